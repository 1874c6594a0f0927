# -DCMIG_SANITIZE=address,undefined builds everything with those sanitizers.
if(CMIG_SANITIZE)
  add_compile_options(-fsanitize=${CMIG_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${CMIG_SANITIZE})
endif()
