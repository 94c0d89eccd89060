# gendoc.cmake: runs the program just built with ARGS (a list) and writes what it
# prints to OUT: the manual page and the bash completion come from the program's
# own command table (src/cli/docgen.c), so they cannot drift from it.
#   cmake -DEXE=path/permitdesk -DARGS="help;--man" -DOUT=permitdesk.1 -P gendoc.cmake
execute_process(COMMAND ${EXE} ${ARGS} OUTPUT_FILE ${OUT}.tmp RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
	file(REMOVE ${OUT}.tmp)
	message(FATAL_ERROR "${EXE} ${ARGS} exited ${rc}")
endif()
file(RENAME ${OUT}.tmp ${OUT})
