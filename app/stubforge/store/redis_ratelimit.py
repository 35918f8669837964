"""Rate-limit decisions made inside Redis, one Lua script per algorithm.

With several replicas, a read-modify-write from each process (even an optimistic
WATCH/MULTI one) decides with the process's own clock: a request that read the time just
before a window boundary can commit after another replica opened the next window and
reset it, so continuous traffic gets more than the limit through. A script runs
atomically in Redis and reads one clock, Redis's ``TIME``, so every replica's requests are
counted against the same windows and buckets. Each key expires once its state could no
longer differ from a fresh one (the window, or the time a bucket takes to fill), so
per-client keys do not accumulate.

Each script returns ``{allowed, remaining, reset_ms, retry_ms}``; the algorithms are the
ones of :mod:`stubforge.behave.ratelimit`, in milliseconds.
"""

from __future__ import annotations

FIXED_WINDOW = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local limit, per = tonumber(ARGV[1]), tonumber(ARGV[2])
local start = now - (now % per)
local count = 0
local raw = redis.call('GET', KEYS[1])
if raw then
  local ok, state = pcall(cjson.decode, raw)
  if ok and type(state) == 'table' and tonumber(state[1]) == start then
    count = tonumber(state[2]) or 0
  end
end
local reset = start + per - now
if count >= limit then
  return {0, 0, reset, reset}
end
count = count + 1
redis.call('SET', KEYS[1], cjson.encode({start, count}), 'PX', reset + 1)
return {1, limit - count, reset, 0}
"""
"""KEYS: the counter; ARGV: limit, window (ms). State ``[window_start_ms, count]``."""

SLIDING_WINDOW = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local limit, per = tonumber(ARGV[1]), tonumber(ARGV[2])
if redis.call('TYPE', KEYS[1]).ok ~= 'zset' then
  redis.call('DEL', KEYS[1])
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - per)
local count = redis.call('ZCARD', KEYS[1])
if count >= limit then
  local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
  return {0, 0, tonumber(last[2]) + per - now, tonumber(first[2]) + per - now}
end
local seq = redis.call('HINCRBY', KEYS[2], 'seq', 1)
redis.call('ZADD', KEYS[1], now, now .. '-' .. seq)
redis.call('PEXPIRE', KEYS[1], per + 1)
redis.call('PEXPIRE', KEYS[2], per + 1)
local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {1, limit - count - 1, tonumber(first[2]) + per - now, 0}
"""
"""KEYS: the log (a sorted set of accept times), its sequence; ARGV: limit, window (ms)."""

TOKEN_BUCKET = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local capacity, per_token = tonumber(ARGV[1]), tonumber(ARGV[2])
local tokens, last = capacity, now
local raw = redis.call('GET', KEYS[1])
if raw then
  local ok, state = pcall(cjson.decode, raw)
  if ok and type(state) == 'table' and tonumber(state[1]) and tonumber(state[2]) then
    tokens, last = tonumber(state[1]), tonumber(state[2])
  end
end
tokens = math.min(capacity, tokens + math.max(0, now - last) / per_token)
local allowed = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
end
local full = math.ceil((capacity - tokens) * per_token)
redis.call('SET', KEYS[1], cjson.encode({tokens, now}), 'PX', full + 1)
local retry = 0
if allowed == 0 then
  retry = math.ceil((1 - tokens) * per_token)
end
return {allowed, math.floor(tokens), full, retry}
"""
"""KEYS: the bucket; ARGV: capacity, milliseconds per token. State ``[tokens, last_ms]``."""
