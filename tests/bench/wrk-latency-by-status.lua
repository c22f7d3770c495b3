-- Latency by HTTP status, for wrk (issue 15, overload): append this file to a script written by
-- tests/bench/wrk-load.ts (which defines `mix`, `threads`, and the response() and done() it extends), e.g.
--   cat generated.lua tests/bench/wrk-latency-by-status.lua > by-status.lua; wrk -s by-status.lua ...
-- Each request carries its own X-Tracking-Code, which NIX echoes on every answer, so that an answer is matched to
-- the moment its request was written. done() prints a histogram per status (HIST lines; wrk's own percentiles are
-- corrected for coordinated omission and mix 200s with 503s), and the slowest answers (SLOW lines) with the
-- receipt's receivedAt and respondedAt, to tell a wait before NIX read the request from one inside NIX.
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } nix_timespec;
int clock_gettime(int clk, nix_timespec *tp);
]]
local ts = ffi.new("nix_timespec")
local function now_us() ffi.C.clock_gettime(0, ts); return tonumber(ts.tv_sec) * 1000000 + tonumber(ts.tv_nsec) / 1000 end
local b64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
local function unb64(data)
  data = string.gsub(data, '[^'..b64..'=]', '')
  return (data:gsub('.', function(x)
    local r, f = '', (b64:find(x) - 1)
    for i = 6, 1, -1 do r = r .. (f % 2 ^ i - f % 2 ^ (i - 1) > 0 and '1' or '0') end
    return r
  end):gsub('%d%d%d?%d?%d?%d?%d?%d?', function(x)
    if #x ~= 8 then return '' end
    local c = 0
    for i = 1, 8 do c = c + (x:sub(i, i) == '1' and 2 ^ (8 - i) or 0) end
    return string.char(c)
  end))
end
local t_begin = nil
slow = {}
local nslow = 0

local next_index = 0
local seq = 0
local started = {}
hist = {}
-- latency buckets (ms upper bounds)
local bounds = {1,2,5,10,20,30,40,50,60,70,80,90,100,110,120,130,140,150,175,200,300,500,1000,2000,5000,10000,1e9}

-- The mix's script counts statuses and prints WRK-RESULT (its `threads` and `statuses`); this adds to both.
local count_status = response
local print_result = done

function request()
  next_index = next_index % #mix + 1
  local r = mix[next_index]
  seq = seq + 1
  local code = "b" .. seq
  started[code] = now_us()
  local h = {}
  for k, v in pairs(r[3]) do h[k] = v end
  h["x-tracking-code"] = code
  return wrk.format(r[1], r[2], h, r[4])
end

function response(status, headers, body)
  count_status(status, headers, body)
  local code = headers["x-tracking-code"] or headers["X-Tracking-Code"]
  local t0 = code and started[code]
  if t0 then
    started[code] = nil
    local t1 = now_us()
    local ms = (t1 - t0) / 1000
    t_begin = t_begin or t0
    if ms > 1000 and nslow < 400 then
      nslow = nslow + 1
      local rc = headers["nix-receipt"] or ""
      local payload = rc:match("^[^.]*%.([^.]*)%.") or ""
      local j = unb64(payload)
      local ra = j:match('"receivedAt":"([^"]*)"') or "?"
      local rs = j:match('"respondedAt":"([^"]*)"') or "?"
      slow[nslow] = string.format("SLOW at=%.3fs lat=%.0fms status=%d sent=%s recv=%s received=%s responded=%s", (t0 - t_begin)/1e6, ms, status, os.date("!%H:%M:%S", math.floor(t0/1e6)) .. string.format(".%03d", math.floor(t0/1000) % 1000), os.date("!%H:%M:%S", math.floor(t1/1e6)) .. string.format(".%03d", math.floor(t1/1000) % 1000), ra, rs)
    end
    for i, b in ipairs(bounds) do if ms <= b then local k = status .. ":" .. i; hist[k] = (hist[k] or 0) + 1 break end end
  end
end

function done(summary, latency, requests)
  print_result(summary, latency, requests)
  for _, thread in ipairs(threads) do
    local flat = thread:get("hist")
    local h = {}
    for k, n in pairs(flat) do
      local st, i = k:match("^(%d+):(%d+)$")
      st = tonumber(st); i = tonumber(i)
      h[st] = h[st] or {}
      h[st][i] = n
    end
    for status, buckets in pairs(h) do
      local total = 0
      for i = 1, #bounds do total = total + (buckets[i] or 0) end
      local line = string.format("HIST %d n=%d:", status, total)
      local cum = 0
      local p99
      for i, b in ipairs(bounds) do
        local n = buckets[i] or 0
        cum = cum + n
        if n > 0 then line = line .. string.format(" <=%gms:%d", b, n) end
        if not p99 and cum >= 0.99 * total then p99 = b end
      end
      io.write(line .. string.format("  (p99 <= %g ms)\n", p99 or -1))
    end
    local sl = thread:get("slow")
    for i = 1, 400 do if sl[i] then io.write(sl[i] .. "\n") end end
  end
end
