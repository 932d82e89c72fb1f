-- wrk script: GET /v1/models, the framework's ceiling for a trivial endpoint (same RESULT line as classify.lua).
request = function()
  return wrk.format("GET", "/v1/models")
end
dofile("sample-service/scripts/result.lua")
