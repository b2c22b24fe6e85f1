-- Refreshes this node's presence. KEYS[1]: the set of nodes (node id scored by when its presence ends),
-- KEYS[2]: this node's presence key. ARGV[1] node id, ARGV[2] its state (JSON), ARGV[3] TTL in ms.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
return 1
