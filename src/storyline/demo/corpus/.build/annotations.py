# Planted truth for a subset of demo articles: quotes, resolvable time expressions, CAMEO events.
# quotes: speaker (canonical), style (straight|curly|guillemet|single|multi_paragraph|reported), snippet
#   (a substring of the quoted content).  times: text as written + the day it resolves to against the
#   publication date.  events: actor/target ISO3, CAMEO code, day.

ANNOTATIONS = {
"a1-coastline-wire": dict(
    quotes=[dict(speaker="Ingrid Halvorsen", style="curly", snippet="we now share a map of the problem"),
            dict(speaker="Thomas Whitcombe", style="reported", snippet="the framework would let both fleets plan"),
            dict(speaker="Thomas Whitcombe", style="curly", snippet="tough, fair and well prepared")],
    times=[dict(text="on Monday", resolves_to="2025-03-10"), dict(text="on Sunday", resolves_to="2025-03-09")],
    events=[dict(actor="NOR", target="GBR", cameo="046", date="2025-03-10", trigger="talks"),
            dict(actor="NOR", target="GBR", cameo="057", date="2025-03-10", trigger="agreed")]),
"a1-harbour-courier": dict(
    quotes=[dict(speaker="Thomas Whitcombe", style="straight", snippet="This is not the finish line",
                 note="speaker named only in the previous paragraph ('he said')"),
            dict(speaker="Thomas Whitcombe", style="multi_paragraph",
                 snippet="Our skippers in Peterhead and Lerwick have waited long enough",
                 note="two paragraphs; the first has no closing mark; no cue, speaker carried over"),
            dict(speaker="Moira Gilchrist", style="straight", snippet="A framework is not a quota")],
    times=[dict(text="on Monday", resolves_to="2025-03-10"), dict(text="on Wednesday", resolves_to="2025-03-12")],
    events=[dict(actor="GBR", target="NOR", cameo="046", date="2025-03-10", trigger="negotiations")]),
"a1-fjordline-post": dict(
    quotes=[dict(speaker="Ingrid Halvorsen", style="guillemet", snippet="Norwegian fishermen have shown great patience"),
            dict(speaker="Kjetil Brandvold", style="guillemet", snippet="given away more than she has won")],
    times=[dict(text="on Monday", resolves_to="2025-03-10"), dict(text="on 31 March", resolves_to="2025-03-31"),
           dict(text="on 31 December", resolves_to="2024-12-31")],
    events=[dict(actor="NOR", target="GBR", cameo="046", date="2025-03-10", trigger="talks")]),
"a3-coastline-wire": dict(
    quotes=[dict(speaker="a spokesperson for the Norwegian Coast Guard", style="straight",
                 snippet="The crew cooperated fully and nobody was hurt", note="unnamed spokesperson"),
            dict(speaker="a UK government spokesperson", style="straight", snippet="urgently seeking information")],
    times=[dict(text="on Sunday", resolves_to="2025-03-16"), dict(text="on Monday", resolves_to="2025-03-17")],
    events=[dict(actor="NOR", target="GBR", cameo="171", date="2025-03-16", trigger="seized")]),
"a3-harbour-courier-chrome": dict(
    quotes=[dict(speaker="Fiona Rennie", style="straight", snippet="He sounded calm, but he is angry",
                 note="speaker named only in the previous paragraph ('she said')"),
            dict(speaker="Thomas Whitcombe", style="straight", snippet="a full and fair explanation")],
    times=[dict(text="on Sunday", resolves_to="2025-03-16"), dict(text="on Monday", resolves_to="2025-03-17")],
    events=[dict(actor="GBR", target="NOR", cameo="041", date="2025-03-17", trigger="by telephone")]),
"a3-northgate-daily": dict(
    quotes=[dict(speaker="Eleanor Marchbank", style="straight", snippet="sends entirely the wrong signal")],
    times=[dict(text="on Tuesday", resolves_to="2025-03-18"), dict(text="on Sunday", resolves_to="2025-03-16")],
    events=[dict(actor="GBR", target="NOR", cameo="111", date="2025-03-18", trigger="disproportionate")]),
"a3-seaboard-times": dict(
    quotes=[dict(speaker="Callum Rennie", style="straight", snippet="We paid because we had to")],
    times=[dict(text="on Friday", resolves_to="2025-03-21")],
    events=[]),
"a2-coastline-wire": dict(
    quotes=[dict(speaker="Thomas Whitcombe", style="straight", snippet="Norway came here to reopen the framework"),
            dict(speaker="Ingrid Halvorsen", style="reported", snippet="the stock was in worse condition than expected")],
    times=[dict(text="on Monday", resolves_to="2025-03-31"), dict(text="on 16 March", resolves_to="2025-03-16")],
    events=[dict(actor="GBR", target="NOR", cameo="112", date="2025-03-31", trigger="accusing")]),
"a2-northgate-sanctions": dict(
    quotes=[dict(speaker="Thomas Whitcombe", style="straight", snippet="The door to a deal remains open")],
    times=[dict(text="on Thursday", resolves_to="2025-04-03")],
    events=[dict(actor="GBR", target="NOR", cameo="163", date="2025-04-03", trigger="imposed sanctions"),
            dict(actor="NOR", target="GBR", cameo="111", date="2025-04-03", trigger="criticised")]),
"a2-fjordline-post": dict(
    quotes=[dict(speaker="Ingrid Halvorsen", style="guillemet", snippet="We cannot negotiate against the science"),
            dict(speaker="Tove Lindqvist-Aas", style="straight", snippet="Both countries lose")],
    times=[dict(text="on Tuesday", resolves_to="2025-04-01")],
    events=[dict(actor="NOR", target="GBR", cameo="041", date="2025-04-01", trigger="spoken by phone")]),
"b1-altiplano-observer": dict(
    quotes=[dict(speaker="Rosa Quispe Valdivia", style="curly", snippet="That is the beginning of trust"),
            dict(speaker="Ernesto Mamani Roca", style="curly", snippet="the first to feel every drought")],
    times=[dict(text="on Tuesday", resolves_to="2025-04-15")],
    events=[dict(actor="PER", target="CHL", cameo="057", date="2025-04-15", trigger="signed"),
            dict(actor="BOL", target="CHL", cameo="057", date="2025-04-15", trigger="signed")]),
"b1-coastline-wire": dict(
    quotes=[dict(speaker="Rosa Quispe Valdivia", style="straight", snippet="a model for the whole continent")],
    times=[dict(text="on 15 April", resolves_to="2025-04-15")],
    events=[dict(actor="PER", target="BOL", cameo="057", date="2025-04-15", trigger="signed")]),
"b1-tidewater-03": dict(
    quotes=[dict(speaker="Ernesto Mamani Roca", style="straight", snippet="a fair starting point")],
    times=[dict(text="Tuesday, 15 April", resolves_to="2025-04-15"), dict(text="on Sunday", resolves_to="2025-04-13"),
           dict(text="last week", resolves_to="2025-W15")],
    events=[dict(actor="PER", target="CHL", cameo="041", date="2025-W15", trigger="spoke by phone")]),
"b2-coastline-wire": dict(
    quotes=[dict(speaker="Rosa Quispe Valdivia", style="straight", snippet="Neighbours do not wait to be asked twice")],
    times=[dict(text="on Thursday", resolves_to="2025-05-08")],
    events=[dict(actor="PER", target="BOL", cameo="073", date="2025-05-08", trigger="sent ... tanker trucks")]),
"b2-altiplano-observer": dict(
    quotes=[dict(speaker="Ernesto Mamani Roca", style="reported", snippet="groundwater levels near the border had fallen"),
            dict(speaker="Isidora Peñaloza", style="reported", snippet="the wells had been authorised before the accord"),
            dict(speaker="Luis Arana Vega", style="straight", snippet="The accord exists precisely for moments like this")],
    times=[dict(text="on Friday", resolves_to="2025-05-09")],
    events=[dict(actor="BOL", target="CHL", cameo="112", date="2025-05-09", trigger="accused"),
            dict(actor="CHL", target="BOL", cameo="111", date="2025-05-09", trigger="criticised")]),
"b2-meridian-protest": dict(
    quotes=[dict(speaker="Rufino Choque", style="straight", snippet="Our animals are dying")],
    times=[dict(text="on Friday", resolves_to="2025-05-09")],
    events=[dict(actor="BOL", target="CHL", cameo="141", date="2025-05-09", trigger="protested")]),
"b2-northgate-phonecall": dict(
    quotes=[dict(speaker="Wilma Apaza Torrico", style="straight", snippet="It was a frank conversation"),
            dict(speaker="Isidora Peñaloza", style="straight", snippet="We have nothing to hide")],
    times=[dict(text="on Sunday", resolves_to="2025-05-11")],
    events=[dict(actor="CHL", target="BOL", cameo="041", date="2025-05-11", trigger="telephone call")]),
"c1-elswick-star": dict(
    quotes=[dict(speaker="Aila Brennock", style="straight", snippet="stay in the shade of the warehouses")],
    times=[dict(text="on Sunday", resolves_to="2025-05-04")], events=[]),
"c1-valley-ledger": dict(
    quotes=[dict(speaker="Oliver Penhallow", style="single", snippet="We doubled the number of medics"),
            dict(speaker="Gemma Tolland", style="single", snippet="worth every step")],
    times=[dict(text="on Sunday", resolves_to="2025-05-04")], events=[]),
"c2-elswick-star": dict(
    quotes=[dict(speaker="Albert Skelding", style="straight", snippet="I sailed out of this harbour for forty years"),
            dict(speaker="Priya Ancell-Moss", style="reported", snippet="the museum would extend its opening hours")],
    times=[dict(text="on Saturday", resolves_to="2025-05-24")], events=[]),
"c2-northgate-museum": dict(
    quotes=[dict(speaker="Priya Ancell-Moss", style="straight", snippet="There will be paint drying")],
    times=[dict(text="on Saturday 24 May", resolves_to="2025-05-24"), dict(text="on Tuesday", resolves_to="2025-05-20")],
    events=[]),
}
