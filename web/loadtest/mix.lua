-- wrk script: a realistic mix of GET /api/v1/suppliers requests, all with
-- facets (the API always computes them), on the synthetic corpus served by
-- `go run ./web/loadtest`. Each request draws its criteria with a skew
-- toward the head of each list (popular trades and cities are asked more
-- often), so that the mix has both a repeated head and a long tail.
--
--   wrk -t2 -c32 -d30s --latency -s web/loadtest/mix.lua http://127.0.0.1:8089

local trades = {
  "menuiserie", "mobilier", "métallique", "bois", "imprimerie", "chaudronnerie", "mécanique",
  "meubles", "verre", "textile", "décolletage", "béton", "charpente", "peinture", "emballages",
  "vêtements", "cuir", "céramique", "bijouterie", "couverture", "électricité", "plomberie", "pain",
  "papier", "chaussures", "serrurerie", "ferronnerie", "tapisserie", "cristallerie", "coutellerie",
  "horlogerie", "pierre", "marbre", "vitrail", "lutherie", "reliure", "broderie", "maroquinerie",
  "tonnellerie", "forge", "fonderie", "outillage", "moules", "plastique", "caoutchouc", "électronique",
  "câbles", "pompes", "robinetterie", "chauffage", "ventilation", "literie", "jouets", "lunettes",
  "signalisation", "uniformes", "mobilier urbain", "menuiserie aluminium", "restauration de monuments",
  "ferronnerie d'art", "travaux de maçonnerie", "produits laitiers", "matériel médical", "menuisier",
  "ebenisterie", "decolletage", "chaudronerie", "imprimeri",
}
local communes = {
  "Paris", "Lyon", "Marseille", "Toulouse", "Nantes", "Bordeaux", "Lille", "Strasbourg", "Rennes",
  "Montpellier", "Nice", "Grenoble", "Dijon", "Angers", "Clermont-Ferrand", "Tours", "Limoges", "Brest",
  "Rouen", "Reims", "Metz", "Besançon", "Orléans", "Caen", "Poitiers", "Pau", "Annecy", "Perpignan",
  "Nancy", "Le Mans", "69003", "33000", "44000", "45.76,4.83",
}
local regions = { "84", "11", "76", "75", "44", "52", "53", "32", "27", "28", "24", "93", "94" }
local departements = { "69", "75", "13", "33", "59", "31", "44", "67", "35", "38", "63", "25", "74", "21", "49",
  "29", "87", "76", "51", "57" }
local radii = { "50", "25", "100", "10", "200" }
local labels = { "EPV", "OFG" }
local divisions = { "25", "31", "16", "43", "10", "28", "22", "32", "14", "15", "23", "24", "33", "18" }

-- skewed draws the head of a list more often than its tail.
local function skewed(list)
  local r = math.random()
  return list[math.floor(#list * r * r) + 1]
end

local function encode(s)
  return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

local function path()
  local p = {}
  local r = math.random(100)
  if r <= 35 then                                   -- a trade
    p[#p + 1] = "q=" .. encode(skewed(trades))
  elseif r <= 55 then                               -- a trade in a région
    p[#p + 1] = "q=" .. encode(skewed(trades))
    p[#p + 1] = "region=" .. skewed(regions)
  elseif r <= 70 then                               -- a trade around a city
    p[#p + 1] = "q=" .. encode(skewed(trades))
    p[#p + 1] = "near=" .. encode(skewed(communes))
    p[#p + 1] = "radius_km=" .. skewed(radii)
  elseif r <= 80 then                               -- browsing by filters only
    p[#p + 1] = "label=" .. skewed(labels)
    if math.random(2) == 1 then
      p[#p + 1] = "region=" .. skewed(regions)
    else
      p[#p + 1] = "naf_division=" .. skewed(divisions)
    end
  elseif r <= 90 then                               -- everything around a city, nearest first
    p[#p + 1] = "near=" .. encode(skewed(communes))
    p[#p + 1] = "radius_km=" .. skewed(radii)
  elseif r <= 95 then                               -- next pages of a trade
    p[#p + 1] = "q=" .. encode(skewed(trades))
    p[#p + 1] = "page=" .. math.random(2, 3)
  else                                              -- a trade in a département, with a label
    p[#p + 1] = "q=" .. encode(skewed(trades))
    p[#p + 1] = "departement=" .. skewed(departements)
    p[#p + 1] = "label=EPV"
  end
  return "/api/v1/suppliers?" .. table.concat(p, "&")
end

local thread_id = 0
function setup(thread)
  thread_id = thread_id + 1
  thread:set("id", thread_id)
end

function init(args)
  math.randomseed(12345 + (id or 0))
end

function request()
  return wrk.format("GET", path())
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("requests: %d in %.1f s, %.0f req/s\n", summary.requests,
    summary.duration / 1e6, summary.requests / (summary.duration / 1e6)))
  io.write(string.format("errors: connect %d, read %d, write %d, status %d, timeout %d\n",
    e.connect, e.read, e.write, e.status, e.timeout))
  for _, p in ipairs({ 50, 90, 95, 99, 99.9 }) do
    io.write(string.format("p%-4s %.2f ms\n", p, latency:percentile(p) / 1000))
  end
end
