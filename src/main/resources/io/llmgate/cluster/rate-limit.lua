-- One user's token bucket, shared by every node: capacity ARGV[1] messages, refilled evenly over ARGV[2] ms.
-- KEYS[1]: the user's bucket (a hash of tokens and the time they were counted). Returns 1 admitted, 0 refused.
-- Redis's own clock, so nodes with skewed clocks still agree.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local capacity = tonumber(ARGV[1])
local msPerToken = tonumber(ARGV[2]) / capacity
local bucket = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(bucket[1]) or capacity
local at = tonumber(bucket[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - at) / msPerToken)
local admitted = 0
if tokens >= 1 then
  tokens = tokens - 1
  admitted = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
-- A full bucket is the same as none: let it expire once refilled.
redis.call('PEXPIRE', KEYS[1], math.ceil((capacity - tokens) * msPerToken) + 1000)
return admitted
