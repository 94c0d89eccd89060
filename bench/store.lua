-- wrk script for bench/store.sh: the load on several `permitdesk serve`
-- processes at once, in one of two modes.
--
--   PD_BENCH_PORTS="P1 P2 ..." wrk -tT -cC -s bench/store.lua URL -- check CASE.json
--   PD_BENCH_PORTS="P1 P2 ..." wrk -tT -cC -s bench/store.lua URL -- transition TOKEN CASE.json
--
-- Thread i of wrk sends all its connections to 127.0.0.1:P(i mod n), so with
-- T a multiple of the number of ports the clients are spread evenly over the
-- processes; URL only names the first.
--
-- check:      POST /api/v1/check with the case, on every request (as
--             bench/http_post.lua; no response() hook, so wrk does not parse
--             the 16 KB bodies).
-- transition: every request is one workflow transition, each one durable
--             transaction with its audit entry: POST /api/v1/cases files the
--             case (201, state draft), and each case a thread filed is then
--             submitted once, POST /api/v1/cases/{id}/actions/submit (200,
--             draft -> submitted).  A thread files a new case whenever it has
--             none waiting to be submitted, so files and submits alternate.
--             TOKEN is a session of a user who may do both (an officer).
--             Answers other than 2xx show in wrk's "Non-2xx" line; done()
--             prints how many of each kind were answered.
local ports = {}
for p in (os.getenv("PD_BENCH_PORTS") or ""):gmatch("%d+") do
	ports[#ports + 1] = p
end
local threads = {}

function setup(thread)
	if #ports > 0 then
		local n = #threads
		thread.addr = wrk.lookup("127.0.0.1", ports[n % #ports + 1])[1]
	end
	threads[#threads + 1] = thread
end

local mode, create, auth
local waiting = {} -- ids this thread filed and has not submitted yet
filed, submitted, other = 0, 0, 0

local function slurp(name)
	local f = assert(io.open(name, "rb"), "cannot read " .. tostring(name))
	local s = f:read("*a")
	f:close()
	return s
end

function init(args)
	mode = args[1]
	if mode == "check" then
		wrk.method = "POST"
		wrk.path = "/api/v1/check"
		wrk.body = slurp(args[2])
		wrk.headers["Content-Type"] = "application/json"
		request = nil
		response = nil
	elseif mode == "transition" then
		auth = "Bearer " .. args[2]
		create = wrk.format("POST", "/api/v1/cases",
			{["Authorization"] = auth, ["Content-Type"] = "application/json"}, slurp(args[3]))
	else
		error("usage: ... -- check CASE.json | transition TOKEN CASE.json")
	end
end

function request()
	local id = table.remove(waiting)
	if id then
		return wrk.format("POST", "/api/v1/cases/" .. id .. "/actions/submit",
			{["Authorization"] = auth, ["Content-Length"] = "0"})
	end
	return create
end

function response(status, headers, body)
	if status == 201 then
		local id = (headers["Location"] or ""):match("/api/v1/cases/(%x+)$")
		if id then
			filed = filed + 1
			waiting[#waiting + 1] = id
			return
		end
	elseif status == 200 then
		submitted = submitted + 1
		return
	end
	other = other + 1
end

function done(summary, latency, requests)
	local f, s, o = 0, 0, 0
	for _, t in ipairs(threads) do
		f = f + (t:get("filed") or 0)
		s = s + (t:get("submitted") or 0)
		o = o + (t:get("other") or 0)
	end
	if f + s + o > 0 then -- transition mode (done() runs where init() did not)
		io.write(string.format("transitions: %d filed, %d submitted, %d other answers\n", f, s, o))
	end
end
