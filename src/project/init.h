/*
 * init.h - `cmig init [DIR]`.
 */
#ifndef CMIG_PROJECT_INIT_H
#define CMIG_PROJECT_INIT_H

#include "diag.h"

/* Create the project files under dir that do not exist yet; created_cb hears each path. */
int cmig_project_init(const char *dir, void (*created_cb)(const char *path, void *payload),
                      void *payload, cmig_diags *d);

#endif
