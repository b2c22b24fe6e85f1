-- The states (JSON) of the live nodes. KEYS[1]: the set of nodes, ARGV[1]: the prefix of presence keys.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local states = {}
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], now, '+inf')) do
  local state = redis.call('GET', ARGV[1] .. id)
  if state then
    table.insert(states, state)
  end
end
return states
