/*
 * pq_dl.h - libpq, loaded only when a PostgreSQL URL is used.
 *
 * Linking libpq pulls some 25 shared objects (OpenSSL, Kerberos, LDAP, ...) into every start
 * of cmig; on SQLite that load is most of the run time of a no-op `upgrade`. So cmig does not
 * link libpq: the PostgreSQL backend includes this header instead of <libpq-fe.h>, and every
 * PQ* call goes through a table of function pointers that cmig_pq_load() fills from
 * libpq.so.5 with dlopen, once per process (pthread_once), the first time it is needed.
 */
#ifndef CMIG_BACKEND_PQ_DL_H
#define CMIG_BACKEND_PQ_DL_H

#include <libpq-fe.h>

#define CMIG_PQ_FUNCS(X) \
	X(PQconnectdbParams) X(PQfinish) X(PQstatus) X(PQerrorMessage) X(PQtransactionStatus) \
	X(PQsetNoticeReceiver) X(PQexec) X(PQexecParams) X(PQresultStatus) X(PQresultErrorMessage) \
	X(PQresultErrorField) X(PQntuples) X(PQnfields) X(PQgetvalue) X(PQgetisnull) X(PQclear) \
	X(PQgetResult) X(PQenterPipelineMode) X(PQexitPipelineMode) X(PQpipelineSync) \
	X(PQsendQueryParams) X(PQsendQuery) X(PQsocket) X(PQsetnonblocking) X(PQflush) \
	X(PQconsumeInput) X(PQisBusy) X(PQhost) X(PQport) X(PQconninfoParse) X(PQconninfoFree) \
	X(PQfreemem) X(PQlibVersion) X(PQserverVersion) X(PQescapeIdentifier) \
	X(PQescapeLiteral) X(PQpipelineStatus) X(PQcmdStatus) X(PQcmdTuples) X(PQresStatus) \
	X(PQconnectPoll) X(PQconnectStartParams) X(PQgetCopyData) X(PQputCopyEnd) X(PQdb) \
	X(PQputCopyData) X(PQisnonblocking) X(PQconninfo) X(PQsendFlushRequest) X(PQhostaddr)

struct cmig_pq_api {
#define CMIG_PQ_MEMBER(f) __typeof__(f) *f;
	CMIG_PQ_FUNCS(CMIG_PQ_MEMBER)
#undef CMIG_PQ_MEMBER
};

/* Load libpq once. Returns the table, or NULL with *err (static text) set. */
const struct cmig_pq_api *cmig_pq_load(const char **err);
/* The table after a successful cmig_pq_load() (NULL before). */
const struct cmig_pq_api *cmig_pq_table(void);

#ifndef CMIG_PQ_DL_IMPL
#define CMIG_PQ_CALL(f) (cmig_pq_table()->f)
#define PQconnectdbParams CMIG_PQ_CALL(PQconnectdbParams)
#define PQfinish CMIG_PQ_CALL(PQfinish)
#define PQstatus CMIG_PQ_CALL(PQstatus)
#define PQerrorMessage CMIG_PQ_CALL(PQerrorMessage)
#define PQtransactionStatus CMIG_PQ_CALL(PQtransactionStatus)
#define PQsetNoticeReceiver CMIG_PQ_CALL(PQsetNoticeReceiver)
#define PQexec CMIG_PQ_CALL(PQexec)
#define PQexecParams CMIG_PQ_CALL(PQexecParams)
#define PQresultStatus CMIG_PQ_CALL(PQresultStatus)
#define PQresultErrorMessage CMIG_PQ_CALL(PQresultErrorMessage)
#define PQresultErrorField CMIG_PQ_CALL(PQresultErrorField)
#define PQntuples CMIG_PQ_CALL(PQntuples)
#define PQnfields CMIG_PQ_CALL(PQnfields)
#define PQgetvalue CMIG_PQ_CALL(PQgetvalue)
#define PQgetisnull CMIG_PQ_CALL(PQgetisnull)
#define PQclear CMIG_PQ_CALL(PQclear)
#define PQgetResult CMIG_PQ_CALL(PQgetResult)
#define PQenterPipelineMode CMIG_PQ_CALL(PQenterPipelineMode)
#define PQexitPipelineMode CMIG_PQ_CALL(PQexitPipelineMode)
#define PQpipelineSync CMIG_PQ_CALL(PQpipelineSync)
#define PQsendQueryParams CMIG_PQ_CALL(PQsendQueryParams)
#define PQsendQuery CMIG_PQ_CALL(PQsendQuery)
#define PQsocket CMIG_PQ_CALL(PQsocket)
#define PQsetnonblocking CMIG_PQ_CALL(PQsetnonblocking)
#define PQflush CMIG_PQ_CALL(PQflush)
#define PQconsumeInput CMIG_PQ_CALL(PQconsumeInput)
#define PQisBusy CMIG_PQ_CALL(PQisBusy)
#define PQhost CMIG_PQ_CALL(PQhost)
#define PQdb CMIG_PQ_CALL(PQdb)
#define PQport CMIG_PQ_CALL(PQport)
#define PQconninfoParse CMIG_PQ_CALL(PQconninfoParse)
#define PQconninfoFree CMIG_PQ_CALL(PQconninfoFree)
#define PQconninfo CMIG_PQ_CALL(PQconninfo)
#define PQsendFlushRequest CMIG_PQ_CALL(PQsendFlushRequest)
#define PQhostaddr CMIG_PQ_CALL(PQhostaddr)
#define PQfreemem CMIG_PQ_CALL(PQfreemem)
#define PQlibVersion CMIG_PQ_CALL(PQlibVersion)
#define PQserverVersion CMIG_PQ_CALL(PQserverVersion)
#define PQescapeIdentifier CMIG_PQ_CALL(PQescapeIdentifier)
#define PQescapeLiteral CMIG_PQ_CALL(PQescapeLiteral)
#define PQpipelineStatus CMIG_PQ_CALL(PQpipelineStatus)
#define PQcmdStatus CMIG_PQ_CALL(PQcmdStatus)
#define PQcmdTuples CMIG_PQ_CALL(PQcmdTuples)
#define PQresStatus CMIG_PQ_CALL(PQresStatus)
#define PQconnectPoll CMIG_PQ_CALL(PQconnectPoll)
#define PQconnectStartParams CMIG_PQ_CALL(PQconnectStartParams)
#define PQgetCopyData CMIG_PQ_CALL(PQgetCopyData)
#define PQputCopyEnd CMIG_PQ_CALL(PQputCopyEnd)
#define PQputCopyData CMIG_PQ_CALL(PQputCopyData)
#define PQisnonblocking CMIG_PQ_CALL(PQisnonblocking)
#endif

#endif
