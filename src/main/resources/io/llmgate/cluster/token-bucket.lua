-- A library, not a script: put in front of the scripts that take a message from a user's token bucket.
-- take(key, capacity, window): the bucket at key (a hash of tokens and the time they were counted) holds
-- capacity messages, refilled evenly over window ms. Takes one and returns true, or returns false and
-- changes nothing. Redis's own clock, so nodes with skewed clocks still agree.
local function take(key, capacity, window)
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  capacity = tonumber(capacity)
  local msPerToken = tonumber(window) / capacity
  local bucket = redis.call('HMGET', key, 'tokens', 'at')
  local tokens = tonumber(bucket[1]) or capacity
  local at = tonumber(bucket[2]) or now
  tokens = math.min(capacity, tokens + math.max(0, now - at) / msPerToken)
  if tokens < 1 then
    return false
  end
  tokens = tokens - 1
  redis.call('HSET', key, 'tokens', tostring(tokens), 'at', tostring(now))
  -- A full bucket is the same as none: let it expire once refilled.
  redis.call('PEXPIRE', key, math.ceil((capacity - tokens) * msPerToken) + 1000)
  return true
end
