-- wrk script for bench/http.sh: POST the case file named after "--" as
-- JSON on every request of every connection.
--   wrk -s bench/http_post.lua http://127.0.0.1:PORT/api/v1/check -- CASE.json
-- No response() hook on purpose: with one, wrk parses every body, which
-- takes CPU from the server on the same machine.  Answers other than 2xx
-- show in wrk's "Non-2xx or 3xx responses" line, which bench/http.sh checks.
function init(args)
	local f = assert(io.open(args[1], "rb"), "usage: wrk -s http_post.lua URL -- CASE.json")
	wrk.method = "POST"
	wrk.body = f:read("*a")
	f:close()
	wrk.headers["Content-Type"] = "application/json"
end
