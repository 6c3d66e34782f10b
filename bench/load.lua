-- wrk script for `make load`: every request takes the next path from the list given after "--".
-- Each wrk thread runs its own copy, starting at a different point so threads do not move in step.
local threads = 0
local paths = {}
local next_index = 1

function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end

function init(args)
  for i, path in ipairs(args) do
    paths[i] = path
  end
  next_index = wrk.thread:get("id") * 7 % #paths + 1
end

function request()
  local path = paths[next_index]
  next_index = next_index % #paths + 1
  return wrk.format("GET", path)
end
