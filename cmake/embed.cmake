# Writes a file's bytes as a C array, for documents the server serves as they
# are (the OpenAPI document and the JSON Schemas).
#   cmake -DIN=schema/openapi.json -DOUT=embedded_openapi.c -DNAME=pd_http_openapi_json -P embed.cmake
file(READ "${IN}" hex HEX)
string(LENGTH "${hex}" n)
math(EXPR len "${n} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," body "${hex}")
file(WRITE "${OUT}"
	"/* Generated from ${IN} by cmake/embed.cmake; do not edit. */\n"
	"#include <stddef.h>\n"
	"extern const char ${NAME}[];\nextern const size_t ${NAME}_len;\n"
	"const char ${NAME}[] = {${body} 0};\n"
	"const size_t ${NAME}_len = ${len};\n")
