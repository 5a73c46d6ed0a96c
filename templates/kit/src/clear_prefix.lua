-- Deletes every key starting with ARGV[1], server-side, in one round trip: asym's reset.
-- Shared by the engine (asym-engine/src/reset.rs) and every backend (asym-kit's reset route).
local pattern = string.gsub(ARGV[1], '([%*%?%[%]\\])', '\\%1') .. '*'
local cursor = '0'
local n = 0
repeat
  local r = redis.call('SCAN', cursor, 'MATCH', pattern, 'COUNT', 1000)
  cursor = r[1]
  if #r[2] > 0 then
    n = n + redis.call('DEL', unpack(r[2]))
  end
until cursor == '0'
return n
