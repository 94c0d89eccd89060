# Writes the web desk's files (web/) as one C table the server serves from
# memory, so an installed program needs no folder of its own.
#   cmake -DROOT=web -DOUT=embedded_web.c -P embed_web.cmake
file(GLOB_RECURSE files RELATIVE "${ROOT}" "${ROOT}/*")
list(SORT files)
set(arrays "")
set(rows "")
set(i 0)
foreach(f ${files})
	if(f MATCHES "(^|/)\\." OR f MATCHES "~$")
		continue()
	endif()
	file(READ "${ROOT}/${f}" hex HEX)
	string(LENGTH "${hex}" n)
	math(EXPR len "${n} / 2")
	string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," body "${hex}")
	string(APPEND arrays "static const char f${i}[] = {${body} 0};\n")
	string(APPEND rows "\t{\"/${f}\", f${i}, ${len}},\n")
	math(EXPR i "${i} + 1")
endforeach()
file(WRITE "${OUT}.tmp"
	"/* Generated from web/ by cmake/embed_web.cmake; do not edit. */\n"
	"#include <stddef.h>\n"
	"struct pd_web_file { const char *path; const char *data; size_t len; };\n"
	"extern const struct pd_web_file pd_web_files[];\nextern const size_t pd_web_n_files;\n"
	"${arrays}"
	"const struct pd_web_file pd_web_files[] = {\n${rows}\t{NULL, NULL, 0}\n};\n"
	"const size_t pd_web_n_files = ${i};\n")
# Touch the output only when it changed, so an unchanged desk rebuilds nothing.
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different "${OUT}.tmp" "${OUT}")
file(REMOVE "${OUT}.tmp")
