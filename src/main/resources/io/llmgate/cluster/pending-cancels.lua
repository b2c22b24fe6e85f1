-- Takes the cancels sent to this node while it was not subscribed. KEYS[1]: its pending-cancel set.
local pending = redis.call('SMEMBERS', KEYS[1])
redis.call('DEL', KEYS[1])
return pending
