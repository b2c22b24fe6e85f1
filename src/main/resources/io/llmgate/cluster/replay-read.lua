-- What a resumer on another node needs of a stream's replay log, in one round trip.
-- KEYS[1]: the log (a Redis Stream with ids 0-<seq>), KEYS[2]: the id of the node that runs the stream.
-- ARGV[1]: the last seq the resumer has (it wants every entry after it), ARGV[2]: the prefix of node
-- presence keys. Returns {owner node id or '', 1 if that node is alive else 0, the seq the entries
-- follow, the entries}: those after ARGV[1], or the last one if the resumer named a later seq (so it
-- still learns whether the stream has ended).
local owner = redis.call('GET', KEYS[2])
local alive = 0
if owner and redis.call('EXISTS', ARGV[2] .. owner) == 1 then
  alive = 1
end
local last = 0
local top = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
if #top > 0 then
  last = tonumber(string.match(top[1][1], '-(%d+)$'))
end
local from = math.min(tonumber(ARGV[1]), math.max(last - 1, 0))
return {owner or '', alive, from, redis.call('XRANGE', KEYS[1], '(0-' .. from, '+')}
