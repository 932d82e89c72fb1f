-- wrk script: POST classification requests, cycling through a few real-looking texts.
local texts = {
  "a domesticated carnivorous mammal that barks",
  "a sweet red fruit that grows on trees",
  "a person who plays the violin in an orchestra",
  "a vehicle with four wheels driven by an engine",
  "a building where people pray",
  "to move quickly on foot",
  "a large body of salt water",
  "an instrument for measuring temperature",
}
local i = 0
request = function()
  i = i + 1
  local body = '{"text": "' .. texts[(i % #texts) + 1] .. '", "k": 5}'
  return wrk.format("POST", "/v1/models/wordnet/classify", {["Content-Type"] = "application/json"}, body)
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%d duration_s=%.1f rps=%.1f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f errors_status=%d errors_socket=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
