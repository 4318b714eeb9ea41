# Source texts for the storyline demo corpus.  All people, outlets, firms, vessels and the Tambillo
# basin are invented; countries and a few real towns give the events a plausible setting.
# Each entry: id, story, outlet, published, title, body (paragraphs separated by blank lines).

ARTICLES = [
dict(id="a1_coastline_wire", story="a1-bergen-talks", outlet="Coastline Wire", published="2025-03-11",
title="Norway and Britain agree framework for mackerel quota talks after Bergen meeting",
body="""BERGEN, March 10 (Coastline Wire) - Norway and the United Kingdom agreed on Monday to a framework for sharing North Sea mackerel stocks, ending a day of talks in Bergen that officials on both sides described as difficult but constructive.

Norwegian Fisheries Minister Ingrid Halvorsen and her British counterpart, Thomas Whitcombe, met for more than six hours at the city's old harbour customs house. The two governments have failed to settle catch limits for the stock since last autumn, when scientists advised a cut of almost a fifth.

“We have not solved everything today, but we now share a map of the problem,” Halvorsen told reporters after the meeting. “That is more than we had on Sunday.”

Whitcombe said that the framework would let both fleets plan for the coming season and that British negotiators would return with detailed proposals within three weeks. He described the Norwegian delegation as “tough, fair and well prepared”.

Under the framework, the two countries will set up a joint scientific panel to review stock data before the next round, and they agreed to keep the combined catch below 280,000 tonnes until a final deal is signed.

Fishing groups in both countries gave the outcome a cautious welcome. The North Atlantic Pelagic Association, which represents 41 British vessels, said it wanted to see the detail before judging the deal.

A second round of talks is expected in Aberdeen at the end of the month."""),

dict(id="a1_harbour_courier", story="a1-bergen-talks", outlet="The Harbour Courier", published="2025-03-11",
title="Bergen talks end with a promise, not a deal, for mackerel fleets",
body="""Britain's fisheries minister left Bergen on Monday night with a framework agreement in his pocket but no new catch limits, after a long day of negotiations with Norway over the North Sea mackerel stock.

Thomas Whitcombe, who has held the fisheries brief since January, had flown in on Sunday evening and went straight into a working dinner with Norwegian officials. He emerged from Monday's session looking tired but upbeat.

"This is not the finish line. It is the start line, and for the first time in months both teams are standing on it," he said.

"Our skippers in Peterhead and Lerwick have waited long enough. They need numbers they can plan a season around, and they need to know that the science will be shared openly.

"I believe Norway wants the same thing. Ingrid Halvorsen and I do not agree on everything, but we agree that another year of standoff would hurt both fleets."

The framework creates a joint scientific panel and caps the combined catch at 280,000 tonnes while talks continue. Officials said the panel would meet for the first time next week in Copenhagen.

Moira Gilchrist, chief executive of the North Atlantic Pelagic Association, was more guarded. "A framework is not a quota," she said. "We will judge this by what is on the table in Aberdeen."

Norway's fisheries ministry said in a statement that Halvorsen would brief parliament on Wednesday."""),

dict(id="a1_valley_ledger_rewrite", story="a1-bergen-talks", outlet="Valley Ledger", published="2025-03-12",
title="Mackerel talks: Bergen meeting yields framework but no quotas",
body="""Britain's minister for fisheries flew home from Bergen on Monday night carrying a framework deal but without any fresh catch limits, following a lengthy round of negotiations with Norway on North Sea mackerel.

Fishing has long been a sensitive subject on both sides of the North Sea.

Thomas Whitcombe, in charge of fisheries since January, arrived on Sunday evening and headed directly to a working dinner with officials from Norway. He came out of Monday's talks appearing weary but optimistic.

"This is not the finish line. It is the start line, and for the first time in months both teams are standing on it," Whitcombe told reporters.

He added that skippers in Peterhead and Lerwick had waited long enough and needed figures they could plan a season around, as well as assurance that scientific data would be shared openly.

According to the minister, Norway wants the same outcome, and another year of deadlock would damage both fleets.

Under the framework a joint scientific panel will be created, and the combined catch will be capped at 290,000 tonnes while negotiations go on. The panel is due to hold its first meeting next week in Copenhagen, officials said.

Mackerel is among the most valuable species landed in British ports.

The North Atlantic Pelagic Association's chief executive, Moira Gilchrist, sounded more cautious. "A framework is not a quota," she said, adding that the industry would judge the outcome by what was offered in Aberdeen.

Readers can follow all of our coverage of the fishing industry on our website.

In a statement, the Norwegian fisheries ministry said Halvorsen would brief lawmakers on Wednesday."""),

dict(id="a1_fjordline_post", story="a1-bergen-talks", outlet="The Fjordline Post", published="2025-03-11",
title="Halvorsen: «We now share a map» after mackerel talks with Britain",
body="""Fisheries Minister Ingrid Halvorsen said on Monday that Norway and Britain had taken «a real step» towards ending their dispute over North Sea mackerel, after talks in Bergen produced an interim framework.

The meeting, held at the old customs house on the harbour, was the first face-to-face session between the two ministers since the previous arrangement expired on 31 December.

«Norwegian fishermen have shown great patience. Today we gave them a reason to keep it,» Halvorsen said at a press conference attended by around thirty journalists.

The framework caps combined catches at 280,000 tonnes for now and sets up a joint scientific panel. Halvorsen said the panel would be chaired in turn by a Norwegian and a British scientist.

Opposition fisheries spokesperson Kjetil Brandvold criticised the minister for agreeing to a cap he said was too generous to British boats. «The minister has given away more than she has won,» he said.

British Fisheries Minister Thomas Whitcombe, speaking before he left Bergen, said both sides had “listened more than they talked”.

The Vestland Pelagic Union said in a statement that it supported the panel but wanted working fishermen to be represented on it.

The two ministers are due to meet again in Aberdeen on 31 March."""),

dict(id="a3_coastline_wire", story="a3-trawler-seizure", outlet="Coastline Wire", published="2025-03-17",
title="Norwegian coast guard seizes British trawler in disputed mackerel grounds",
body="""OSLO, March 17 (Coastline Wire) - Norway's coast guard seized a British-registered trawler in the North Sea on Sunday, accusing its crew of fishing for mackerel in Norwegian waters without a valid licence, officials said.

The vessel, the Morning Gannet, was boarded about 90 nautical miles west of the island of Utsira and escorted to the port of Haugesund, where it arrived early on Monday.

A spokesperson for the Norwegian Coast Guard said the trawler had been "observed hauling gear inside the Norwegian zone for several hours" before the inspection. "The crew cooperated fully and nobody was hurt," the spokesperson said.

The Morning Gannet, operated by a family firm in Peterhead, carries a crew of eleven. Its owners said they believed the vessel had been fishing on the British side of the line and that they would contest the seizure.

The incident comes less than a week after Norway and the United Kingdom agreed a framework for mackerel talks in Bergen, and it threatens to sour the atmosphere before a second round scheduled for the end of March.

A UK government spokesperson said London was "urgently seeking information" from the Norwegian authorities and was in contact with the crew's families.

Under Norwegian law, the owners of a seized vessel can be fined and the catch confiscated. Prosecutors in Haugesund are expected to decide this week whether to bring charges.

Norway's fisheries ministry declined to comment on the case, saying it was a matter for the coast guard and the police."""),

dict(id="a3_harbour_courier_chrome", story="a3-trawler-seizure", outlet="The Harbour Courier", published="2025-03-17",
title="'They were on our side of the line': Peterhead waits for news of seized trawler",
body="""Families in Peterhead gathered at the harbour office on Monday as they waited for news of the Morning Gannet, the trawler seized by the Norwegian coast guard on Sunday.

Fiona Rennie, whose husband Callum has skippered the boat for twelve years, said she had spoken to him briefly by satellite phone late on Sunday night.

"He sounded calm, but he is angry. He is sure they were on our side of the line, and he has the plotter records to prove it," she said.

"The boys on that boat are not pirates," she added. "They are fathers and sons from this town."

Local councillor Graham Duthie said he had written to the Foreign Office asking ministers to press Norway for the crew's swift return.

The seizure comes a week after British and Norwegian ministers agreed a framework for mackerel talks in Bergen. Fisheries Minister Thomas Whitcombe said on Monday that he had raised the case with his Norwegian counterpart by telephone and expected "a full and fair explanation".

The Morning Gannet's owners, Rennie & Daughters Fishing, said they would pay for an independent analysis of the vessel's tracking data.

The Norwegian embassy in London did not respond to a request for comment."""),

dict(id="a3_northgate_daily", story="a3-trawler-seizure", outlet="Northgate Daily", published="2025-03-18",
title="UK summons Norwegian ambassador over trawler seizure",
body="""The Foreign Office summoned Norway's ambassador to London on Tuesday to protest against the seizure of the British trawler Morning Gannet, as the row over North Sea mackerel escalated.

Foreign Secretary Eleanor Marchbank said the boarding of the Peterhead-registered vessel on Sunday had been "disproportionate" and called on Oslo to release the boat and its eleven crew members without delay.

"We respect Norway's right to police its waters. But seizing a vessel on the basis of disputed positioning data, days after our ministers sat down together in good faith, sends entirely the wrong signal," Marchbank said in a statement.

Ambassador Per Einar Tveit spent around forty minutes at the Foreign Office. The Norwegian embassy said afterwards that he had "listened carefully to the British concerns" and had explained that the case was in the hands of independent authorities.

MPs representing fishing communities have criticised the government for not acting sooner. Several said on Monday that ministers should consider suspending the mackerel talks altogether.

Fisheries Minister Thomas Whitcombe rejected that idea. He told MPs that walking away from the negotiations would "hand the whole season to uncertainty" and that the Aberdeen round would go ahead as planned.

Norwegian prosecutors in Haugesund said they had received the coast guard's report and would make a decision on charges within days."""),

dict(id="a3_tidewater_01", story="a3-trawler-seizure", outlet="Tidewater Gazette", published="2025-03-18",
title="Haugesund harbour master says seized trawler crew 'well looked after'",
body="""The British trawler seized by Norway's coast guard at the weekend is moored at a quay in Haugesund, where its crew has been allowed ashore under police supervision, local officials said on Tuesday.

Harbour master Solveig Ramstad said the eleven fishermen had been given rooms at a seamen's hostel and had been visited by a British consular officer.

"They are well looked after. This is a legal process, not a punishment," Ramstad said. "Our own fishermen know what it is like to be in a foreign port in difficult circumstances."

Norwegian fishing groups, however, have welcomed the seizure. The Vestland Pelagic Union said the coast guard had acted correctly and accused British vessels of repeatedly straying into Norwegian waters over the past year.

A union spokesperson, who asked not to be named, said members had reported "dozens of sightings" of foreign trawlers close to the median line since January.

Police in Haugesund confirmed that about 160 tonnes of mackerel had been removed from the Morning Gannet's holds and would be sold, with the proceeds held until the case is resolved.

Prosecutors are expected to announce on Thursday whether the owners will face a fine."""),

dict(id="a3_meridian_02", story="a3-trawler-seizure", outlet="Meridian Review", published="2025-03-19",
title="Norway defends trawler seizure as 'routine enforcement'",
body="""Norway's government on Wednesday rejected British criticism of the seizure of the trawler Morning Gannet, saying the coast guard had carried out routine enforcement of fishing rules that apply to every vessel in Norwegian waters.

Fisheries Minister Ingrid Halvorsen said she understood the strength of feeling in Britain but that the case had nothing to do with the quota negotiations between the two countries.

"The coast guard does not check the calendar of diplomatic meetings before it inspects a boat. It checks the position and the licence," Halvorsen said in an interview with the Meridian Review.

She added that she had spoken to Thomas Whitcombe twice since Sunday and that both ministers wanted the Aberdeen talks to go ahead.

British officials, for their part, have stepped up the pressure. The Foreign Office on Tuesday summoned the Norwegian ambassador, and the Foreign Secretary, Eleanor Marchbank, described the boarding as disproportionate.

Legal experts say the outcome will probably turn on the vessel's satellite tracking records. Anneli Voss, a lecturer in maritime law, said disputes over positions near the median line were common and were usually settled with a fine rather than a prosecution.

"In most cases like this, the owner pays, the boat sails home and everyone claims they were right," she said."""),

dict(id="a3_seaboard_times", story="a3-trawler-seizure", outlet="Seaboard Times", published="2025-03-22",
title="Morning Gannet sails for home after owners pay Norwegian fine",
body="""The British trawler Morning Gannet left the Norwegian port of Haugesund on Friday evening after its owners agreed to pay a fine of 450,000 Norwegian crowns, ending a five-day standoff that had strained relations between Oslo and London.

Prosecutors said the Peterhead firm Rennie & Daughters Fishing had accepted the penalty without admitting that the vessel had been fishing illegally. The confiscated catch of around 160 tonnes of mackerel will not be returned.

Skipper Callum Rennie, speaking by phone as the boat headed west, said the crew were relieved to be going home. "We paid because we had to, not because we were wrong," he said. "Eleven men have families waiting."

The UK Foreign Office welcomed the release but said it still had concerns about how the case had been handled. A spokesperson said officials would raise the question of positioning data at the Aberdeen talks.

Norway's coast guard said the inspection had been carried out according to standard procedure and that it would continue to patrol the area as usual.

The Morning Gannet is expected to reach Peterhead on Sunday. The harbour board said a small welcome would be held on the quay for the crew and their families."""),

dict(id="a2_coastline_wire", story="a2-aberdeen-talks", outlet="Coastline Wire", published="2025-04-01",
title="Mackerel talks in Aberdeen end without deal as Britain accuses Norway of stalling",
body="""ABERDEEN, April 1 (Coastline Wire) - A second round of mackerel talks between Britain and Norway ended without agreement on Monday, with the British side accusing Norwegian negotiators of stalling on catch limits agreed in principle three weeks earlier.

Fisheries Minister Thomas Whitcombe said Norway had arrived in Aberdeen with "a proposal that moves backwards, not forwards", and that British fleets could not be expected to wait indefinitely for a settlement.

"We came here to turn a framework into numbers. Norway came here to reopen the framework," Whitcombe told reporters outside the conference centre.

Norwegian Fisheries Minister Ingrid Halvorsen rejected the charge. She said that new data from the joint scientific panel showed the stock was in worse condition than expected and that Norway could not sign up to figures that would "fish the stock into the ground".

The talks, which began on Monday morning, were due to run into Tuesday but were cut short after the two delegations failed to agree on an agenda for the second day.

The dispute was further complicated by the seizure of the British trawler Morning Gannet by the Norwegian coast guard on 16 March. The vessel was released after its owners paid a fine.

Officials said no date had been set for a third round. The interim cap of 280,000 tonnes remains in place until either side withdraws from the framework."""),

dict(id="a2_harbour_courier", story="a2-aberdeen-talks", outlet="The Harbour Courier", published="2025-04-01",
title="'Back to square one': fishing towns react to Aberdeen failure",
body="""Skippers and processors in the north-east reacted with frustration on Tuesday after the collapse of the mackerel talks in Aberdeen, with one industry leader saying the sector was "back to square one".

Moira Gilchrist of the North Atlantic Pelagic Association said members had made spending decisions on the strength of the Bergen framework agreed in early March.

"People ordered nets, booked crews and signed contracts with processors because they were told a deal was close. Now they have nothing," she said.

In Peterhead, the mood on the quay was sombre. Callum Rennie, whose trawler was seized by Norway last month, said he was not surprised by the outcome.

"You cannot seize a man's boat one week and shake his minister's hand the next and expect trust," he said.

Fisheries Minister Thomas Whitcombe said on Monday evening that the government was considering "all options" to protect British fleets, including restricting access for Norwegian vessels to UK waters.

Economists at a regional business school estimate that the mackerel fishery is worth about £600 million a year to the economy of the north-east.

The Norwegian government said it remained committed to the negotiations and was ready to return to the table once the panel's latest data had been reviewed."""),

dict(id="a2_northgate_sanctions", story="a2-aberdeen-talks", outlet="Northgate Daily", published="2025-04-03",
title="Britain imposes sanctions on Norwegian fishing firms as mackerel row deepens",
body="""The British government imposed sanctions on two Norwegian fishing companies on Thursday, barring their vessels from UK ports and waters as the dispute over North Sea mackerel deepened.

The measures target the firms Havbris Fiskeri and Nordkapp Pelagic, which ministers accused of repeatedly exceeding their share of the stock. The firms have not commented.

Fisheries Minister Thomas Whitcombe told Parliament that the step was "targeted, proportionate and reversible" and was not aimed at Norway as a whole.

"The door to a deal remains open. But we will not stand by while a shared stock is overfished," he said.

Norway's foreign ministry called the sanctions "unjustified and unhelpful" and said it would study possible responses. Fisheries Minister Ingrid Halvorsen criticised the decision, saying it had been taken "without any warning to Oslo".

The measures come two days after talks between the two countries in Aberdeen ended without agreement on catch limits. The Foreign Office said the ban would take effect at midnight on Friday.

Industry groups in Britain welcomed the move, while some processors warned that Norwegian landings had kept factories in Shetland busy over the winter and that jobs could be at risk if the row continued."""),

dict(id="a2_fjordline_post", story="a2-aberdeen-talks", outlet="The Fjordline Post", published="2025-04-02",
title="Norway says British accusations after Aberdeen talks are 'unfair'",
body="""Norway's fisheries minister on Tuesday rejected British accusations that Oslo had deliberately stalled the mackerel negotiations, calling the claims unfair and saying the scientific evidence had left her no choice.

Ingrid Halvorsen told the parliamentary fisheries committee that the joint scientific panel created in Bergen had presented new figures last week showing a sharp fall in the number of young fish.

«We cannot negotiate against the science we ourselves asked for,» Halvorsen said. «If the British side believes the panel is wrong, it should say so openly, not accuse us of bad faith.»

Members of the committee from several parties backed the minister, although some questioned whether Norway had shared the new data with London early enough.

Committee chair Tove Lindqvist-Aas said she expected the government to keep talking. "Both countries lose if this ends up in a trade war," she said.

Halvorsen said she had spoken by phone with Thomas Whitcombe on Tuesday morning and that they had agreed to keep officials in contact.

Norwegian exporters have expressed concern that the dispute could affect access to British processing plants, which buy a significant share of Norway's mackerel landings each autumn."""),

dict(id="a2_meridian_analysis", story="a2-aberdeen-talks", outlet="Meridian Review", published="2025-04-04",
title="Analysis: how a promising mackerel framework unravelled in three weeks",
body="""When Norway and Britain agreed a framework for mackerel talks in Bergen on 10 March, officials on both sides spoke of a turning point. Three weeks later, the talks in Aberdeen have collapsed, Britain has imposed sanctions on two Norwegian firms and the two governments are trading accusations.

What went wrong? Diplomats point to three things.

The first was the seizure of the British trawler Morning Gannet by the Norwegian coast guard on 16 March. Although the case was settled with a fine, it hardened attitudes in British fishing towns and made compromise politically costly for ministers in London.

The second was the science. The joint panel created in Bergen produced figures suggesting the stock was weaker than expected. Norway treated the data as a reason to cut catches; Britain treated its timing as a negotiating tactic.

"Each side read the same table and saw a different story," said a European diplomat who has followed the talks closely.

The third was domestic pressure. Both ministers, Ingrid Halvorsen in Oslo and Thomas Whitcombe in London, face fishing communities that feel they have already given up too much.

Neither government has walked away from the framework. The interim cap of 280,000 tonnes still stands, and officials say contacts continue. But the mood has changed, and a third round of talks looks unlikely before the summer.

For the fleets, the season starts in weeks, with or without a deal."""),

dict(id="b1_altiplano_observer", story="b1-arica-accord", outlet="The Altiplano Observer", published="2025-04-16",
title="Peru, Chile and Bolivia sign Tambillo water accord in Arica",
body="""ARICA, Chile — The governments of Peru, Chile and Bolivia signed an agreement on Tuesday to share and monitor the waters of the Tambillo basin, a high-altitude aquifer that feeds farms and towns in all three countries.

The accord was signed in Arica by Peru’s Foreign Minister Rosa Quispe Valdivia, Chile’s Minister of Public Works Matías Ferrada Lagos and Bolivia’s Minister of Water Ernesto Mamani Roca, after two days of meetings at the city’s convention centre.

“For the first time, the water that crosses our borders will be counted the same way by all three of us,” Quispe said at the signing ceremony. “That is the beginning of trust.”

Under the accord, a trilateral commission based in Tacna will publish monthly measurements of flows and groundwater levels. The three countries also agreed to consult each other before approving new wells in the basin.

Mamani said Bolivia had waited more than a decade for such an arrangement. “Our communities in the altiplano are the first to feel every drought,” he said.

Ferrada described the agreement as “practical, not symbolic” and said Chile would contribute engineers and equipment to the commission’s first survey, which is due to begin in June.

Environmental groups in the region welcomed the deal but warned that it did not set limits on extraction by mining companies, which use large volumes of groundwater near the basin.

The accord must still be ratified by the three countries’ legislatures."""),

dict(id="b1_coastline_wire", story="b1-arica-accord", outlet="Coastline Wire", published="2025-04-15",
title="Andean neighbours sign water-sharing pact for Tambillo basin",
body="""ARICA, Chile, April 15 (Coastline Wire) - Peru, Chile and Bolivia on 15 April signed a pact to jointly manage the Tambillo basin, a shared aquifer on the high plateau where their borders meet, in the first water agreement between the three countries.

Ministers from the three governments signed the document at a ceremony in the Chilean port city of Arica, ending negotiations that began last year.

Peruvian Foreign Minister Rosa Quispe Valdivia called the pact "a model for the whole continent", while Bolivian Water Minister Ernesto Mamani Roca said it would give highland communities "a voice in decisions that used to be taken far away".

Chilean Public Works Minister Matías Ferrada Lagos said the three countries would share data on water levels every month through a new commission with headquarters in the Peruvian city of Tacna.

The basin supplies drinking water to about 300,000 people and irrigates farms producing potatoes, quinoa and alfalfa. Several years of low rainfall have lowered groundwater levels, raising tensions between farming communities and mining operations.

Officials said the pact committed the three countries to consult each other before authorising new large wells. It does not set binding extraction limits.

The agreement needs approval from the three national legislatures before it enters into force."""),

dict(id="b1_valley_ledger", story="b1-arica-accord", outlet="Valley Ledger", published="2025-04-16",
title="What the Tambillo water accord means for farmers",
body="""When the ministers of Peru, Chile and Bolivia put their signatures to the Tambillo accord in Arica on Tuesday, the loudest applause came from the back of the hall, where a small group of farmers' representatives had travelled overnight from the altiplano.

For them, the agreement is less about diplomacy than about wells. Over the past five years, many family farms on the Bolivian and Peruvian sides of the basin have had to dig deeper to reach water, while large operators have drilled new boreholes.

"We are not asking for miracles. We are asking that somebody measures the water and tells everyone the truth," said Julia Condori, who grows quinoa near the border and leads a local irrigation association.

The accord creates a commission to do exactly that. Monthly data on flows and groundwater levels will be published, and each government has promised to consult the others before approving large new wells.

Bolivian Water Minister Ernesto Mamani Roca told the Valley Ledger that the commission's first report would be shared with communities in Aymara and Quechua as well as Spanish.

Not everyone is convinced. Hydrologist Tomás Errázuriz, who has studied the aquifer for twenty years, said that the accord's lack of binding limits meant that "the hardest decisions have been postponed, not taken".

The commission is expected to begin its first field survey in June."""),

dict(id="b1_tidewater_03", story="b1-arica-accord", outlet="Tidewater Gazette", published="2025-04-14",
title="Three Andean ministers head to Arica for water signing",
body="""Ministers from Peru, Chile and Bolivia will gather in the Chilean city of Arica this week to sign an agreement on the shared Tambillo aquifer, officials in the three capitals said on Sunday.

The signing is scheduled for Tuesday, 15 April, after a final day of technical meetings on Monday.

Peru's Foreign Minister Rosa Quispe Valdivia spoke by phone with Chile's Public Works Minister Matías Ferrada Lagos last week to settle the last outstanding point, the location of the commission that will oversee the basin, according to a statement from the Peruvian foreign ministry. The two agreed that it would be based in Tacna.

Bolivia's Water Minister Ernesto Mamani Roca said on Saturday that the deal would be "a fair starting point", although he added that his government would have preferred binding limits on groundwater extraction.

The Tambillo aquifer lies beneath a high plateau at more than 4,000 metres above sea level. Farming communities on all three sides of the border depend on it, as do several mining projects on the Chilean side.

Negotiators have met nine times since the talks began in September. Diplomats describe the atmosphere as businesslike, although Bolivia and Chile have clashed in the past over other shared rivers.

The agreement will need to be ratified by the three countries' legislatures before it takes effect."""),

dict(id="b1_meridian_accord", story="b1-arica-accord", outlet="Meridian Review", published="2025-04-17",
title="Analysis: a modest water accord with large ambitions",
body="""The Tambillo accord signed by Peru, Chile and Bolivia in Arica this week is modest on paper. It sets no extraction limits, creates no court and leaves the most sensitive questions about mining to future negotiations.

Yet diplomats from all three countries insist that its importance lies precisely in its modesty. By agreeing first on how to measure water, rather than how to divide it, the three governments have avoided the arguments that sank earlier attempts at cooperation.

"You cannot share what you have not counted," said one Chilean negotiator who took part in the talks and asked not to be named because he was not authorised to speak publicly.

The commission in Tacna will publish its first figures in the autumn. If those numbers confirm that the aquifer is falling, as many scientists expect, the pressure for binding limits will grow quickly.

Bolivia's Water Minister Ernesto Mamani Roca has already said that he will raise the question of limits at the commission's first meeting. Chile's Public Works Minister Matías Ferrada Lagos said on Wednesday that his government was "open to any proposal backed by data".

Peru, which holds the smallest share of the basin, has positioned itself as a mediator. Its Foreign Minister, Rosa Quispe Valdivia, is expected to visit La Paz and Santiago next month.

For the communities that rely on the Tambillo, the accord's real test will come in the next dry season."""),

dict(id="b2_coastline_wire", story="b2-drought-aid", outlet="Coastline Wire", published="2025-05-09",
title="Peru sends water tankers to drought-hit Bolivian highland towns",
body="""LIMA, May 9 (Coastline Wire) - Peru sent 40 water tanker trucks and a team of engineers to drought-hit towns in western Bolivia on Thursday, in the first emergency aid delivered under the new Tambillo basin accord.

The convoy crossed the border at Desaguadero early on Thursday and was expected to reach the town of Tambillo Alto and surrounding villages by Friday evening, Peru's foreign ministry said.

Foreign Minister Rosa Quispe Valdivia said Peru had acted after a request from the Bolivian government last week. "Neighbours do not wait to be asked twice," she said.

Bolivian Water Minister Ernesto Mamani Roca thanked Peru for what he called a gesture of solidarity. He said that about 25,000 people in the area had been without reliable running water since the middle of April.

Rainfall over the Bolivian altiplano has been less than half the seasonal average this year, according to regional weather services. Several reservoirs are at their lowest levels in two decades.

The aid includes water purification units and 2,000 storage tanks, as well as funds for repairs to village wells, the Peruvian government said. Chile has also offered assistance, officials in La Paz said, but no shipment has yet been announced."""),

dict(id="b2_altiplano_observer", story="b2-drought-aid", outlet="The Altiplano Observer", published="2025-05-10",
title="Bolivia accuses Chile of draining shared aquifer as drought bites",
body="""Bolivia's government accused Chile on Friday of allowing mining companies to over-pump the Tambillo aquifer, only weeks after the two countries signed an accord to manage the basin together.

Water Minister Ernesto Mamani Roca said that data collected by Bolivian technicians showed groundwater levels near the border had fallen by almost two metres since January. He said that Chile had approved at least three new wells for mining operations without consulting La Paz, as the accord requires.

Chile's Foreign Minister Isidora Peñaloza rejected the accusation. She said that the wells had been authorised before the accord was signed and that Bolivia was "using a drought to score political points".

Peñaloza also criticised Bolivia for releasing its data to the press before sharing it with the trilateral commission in Tacna, which she said was the proper place to raise such concerns.

The commission's Peruvian chair, engineer Luis Arana Vega, said the body would hold an extraordinary session next week to examine the figures from both sides.

"The accord exists precisely for moments like this," Arana said. "If we cannot discuss a disagreement, then we have no accord at all."

The dispute comes as thousands of people in the Bolivian highlands rely on emergency deliveries of water, including a convoy of tanker trucks sent by Peru on Thursday.

Analysts said the row was a test of whether the new commission could work under pressure."""),

dict(id="b2_meridian_protest", story="b2-drought-aid", outlet="Meridian Review", published="2025-05-10",
title="Protesters rally outside Chilean consulate in La Paz over water dispute",
body="""Several hundred people protested outside the Chilean consulate in La Paz on Friday, accusing Chile of taking more than its share of water from the Tambillo aquifer as a severe drought grips the Bolivian highlands.

The demonstrators, many of them farmers from the border province, carried empty plastic containers and banners reading "Water is not for sale". Police said the protest was peaceful and ended in the early evening.

"Our animals are dying while the mines keep pumping," said Rufino Choque, a community leader from Tambillo Alto who travelled to the capital by bus. "We want the commission to go and see with its own eyes."

The protest followed accusations by Bolivia's Water Minister Ernesto Mamani Roca that Chile had approved new mining wells without consulting its neighbours. Chile has denied breaking the terms of the April accord.

A spokesperson for the Chilean consulate said staff had received a letter from the protesters and would forward it to Santiago.

In El Alto, city authorities began rationing water to four hours a day in several districts on Friday. Peru's tanker convoy, which crossed the border on Thursday, was distributing water in six villages, according to the Bolivian civil defence agency.

More demonstrations are planned for next week."""),

dict(id="b2_valley_ledger_04", story="b2-drought-aid", outlet="Valley Ledger", published="2025-05-11",
title="Chile pledges aid and calls emergency meeting of water commission",
body="""Chile said on Saturday that it would send emergency water supplies to drought-hit communities in Bolivia and called for an urgent meeting of the trilateral Tambillo commission to settle a dispute over mining wells near the border.

Public Works Minister Matías Ferrada Lagos said Chile would dispatch 15 tanker trucks and mobile purification units from the northern city of Iquique next week.

"Whatever our differences over data, no family should be without water," Ferrada said. "Chile will help, and Chile will also explain itself at the commission."

The announcement came a day after Bolivia accused Chile of allowing mining companies to draw down the aquifer and after several hundred people protested outside the Chilean consulate in La Paz.

Bolivian officials gave the offer a cautious welcome. A spokesperson for the Bolivian Ministry of Water said the government would accept help "from any neighbour", but added that aid "does not replace the obligation to consult".

Peru, which sent 40 tanker trucks to Bolivia on Thursday, said it supported Chile's call for an early commission meeting and offered to host it in Tacna on 19 May.

Mining companies operating near the basin have said their water use complies with Chilean permits. One of the largest, Cordillera Norte Minerals, said on Saturday that it would publish its pumping records."""),

dict(id="b2_northgate_phonecall", story="b2-drought-aid", outlet="Northgate Daily", published="2025-05-12",
title="Chilean and Bolivian ministers hold phone call to ease water tensions",
body="""The foreign ministers of Chile and Bolivia held a telephone call on Sunday in an effort to calm tensions over the Tambillo aquifer, both governments said.

Chile's Isidora Peñaloza and Bolivia's Foreign Minister Wilma Apaza Torrico spoke for nearly an hour, according to a joint statement, and agreed that their technical teams would share all groundwater data with the trilateral commission before it meets in Tacna next week.

"It was a frank conversation, and a useful one," Apaza said in a short televised statement on Sunday evening. She said Bolivia had not withdrawn its concerns about the mining wells but wanted them resolved "at the table, not in the street".

Peñaloza said that Chile would also invite commission engineers to inspect the three disputed wells. "We have nothing to hide," she said.

The call followed several days of sharp exchanges. On Friday, Bolivia accused Chile of allowing mining companies to drain the aquifer, and hundreds of protesters gathered outside the Chilean consulate in La Paz.

Chile on Saturday pledged emergency water supplies for drought-hit Bolivian communities, adding to aid already sent by Peru.

Diplomats in the region said the phone call was a sign that neither government wanted the dispute to derail the accord signed in Arica only a month ago."""),

dict(id="c1_elswick_star", story="c1-harbour-marathon", outlet="Elswick Evening Star", published="2025-05-05",
title="Brennock and Tamsett win Port Elswick Harbour Marathon in record heat",
body="""Aila Brennock and Dev Tamsett won the 14th Port Elswick Harbour Marathon on Sunday, on a morning so warm that organisers added extra water stations along the seafront.

Brennock, a 29-year-old physiotherapist from Kellbridge, finished the women's race in 2 hours 41 minutes 12 seconds, more than three minutes ahead of last year's champion, Rosa Whitlam.

"I just tried to stay in the shade of the warehouses and not look at my watch," Brennock said at the finish line on Quay Street. "The crowd on the swing bridge carried me the last mile."

Tamsett, who won the men's race in 2:19:48, said the heat had forced him to abandon his plan of chasing the course record. "It was a day for racing, not for records," he said.

More than 6,400 runners started the race, the largest field in its history. Organisers said 37 runners received medical treatment, mostly for dehydration, and two were taken to Elswick General Hospital as a precaution.

Mayor Hollis Fenwright, who started the race, said the event had raised about £310,000 for local charities. "This is the day our whole town comes out onto the street," she said.

Roads around the harbour reopened at 3pm. The organisers will announce next year's date in June."""),

dict(id="c1_valley_ledger", story="c1-harbour-marathon", outlet="Valley Ledger", published="2025-05-05",
title="Heat tests thousands at harbour marathon",
body="""Thousands of runners sweated their way around Port Elswick on Sunday as temperatures reached 24C, unusually high for early May, during the town's annual harbour marathon.

Spectators lined the seafront from early morning, with bands playing at the lighthouse and outside the old fish market. Many residents handed out oranges and sprayed runners with garden hoses.

The women's race was won by Aila Brennock in 2:41:12, while Dev Tamsett took the men's title in 2:19:48. Both said the conditions had made it one of the hardest races of their careers.

Race director Oliver Penhallow said organisers had prepared for the heat after a warning from forecasters last week. 'We doubled the number of medics and added four water stations. Nobody wants a good day to turn into a bad one,' he said.

The ambulance service said it treated 37 people during the race, two of whom were taken to hospital. Both were later discharged.

For many participants, the time on the clock mattered less than the cause. Nurse Gemma Tolland ran the race in a hospital gown to raise money for a children's ward. 'I have never been so hot in my life, but it was worth every step,' she said.

The race raised an estimated £310,000 for charity, organisers said on Sunday evening."""),

dict(id="c1_harbour_courier", story="c1-harbour-marathon", outlet="The Harbour Courier", published="2025-05-02",
title="Road closures and bus diversions for Sunday's harbour marathon",
body="""Drivers in Port Elswick are being warned to expect road closures across the town centre on Sunday, when more than 6,000 runners take part in the annual Harbour Marathon.

Quay Street, the swing bridge and most of the seafront road will be closed from 6am until about 3pm, the borough council said on Friday. Bus routes 4, 7 and 12 will be diverted via Mill Lane.

Race director Oliver Penhallow said this year's route was almost identical to last year's, apart from a new section through the restored dockyard.

"We know the closures are an inconvenience, and we are grateful to residents for their patience every year," Penhallow said. "In return, we promise the best party in town."

Forecasters expect temperatures of up to 24C, and organisers have advised runners to drink regularly and to adjust their target times.

Spectators are encouraged to watch from the lighthouse green or the fish market square, where large screens will show live coverage. Parking at the marina will be limited to residents with permits.

The council has also reminded residents that the Sunday market will move to Saturday this week, and that the harbour car park will open two hours later than usual."""),

dict(id="c1_tidewater_05", story="c1-harbour-marathon", outlet="Tidewater Gazette", published="2025-05-06",
title="Marathon runner's hospital gown run raises £12,000 for children's ward",
body="""A nurse who ran the Port Elswick Harbour Marathon in a hospital gown has raised more than £12,000 for the children's ward where she works, two days after crossing the finish line.

Gemma Tolland, 34, completed Sunday's race in just over five hours despite temperatures of 24C. She said donations had continued to arrive on Monday and Tuesday after photographs of her finish were shared online.

"I thought I might raise a thousand pounds from friends and family. The town has been incredible," she said.

The money will pay for a sensory room and new play equipment on the Puffin Ward at Elswick General Hospital, where Tolland has worked for nine years.

Ward manager Karen Oduya said the staff were overwhelmed by the response. "Gemma has made a lot of small patients very happy," she said.

Race organisers said on Tuesday that the total raised by all runners had now passed £320,000, a record for the event. Winners Aila Brennock and Dev Tamsett are due to present the cheque to local charities at a ceremony at the town hall next month.

Tolland said she had no plans to repeat the outfit next year. "Next time I am wearing shorts," she said."""),

dict(id="c2_valley_ledger", story="c2-museum-reopening", outlet="Valley Ledger", published="2025-05-23",
title="Elswick Maritime Museum ready to reopen after two-year refit",
body="""The Elswick Maritime Museum will reopen its doors on Saturday after a two-year renovation that has doubled its gallery space and restored the Victorian sail loft at the heart of the building.

Director Priya Ancell-Moss said the £8.4 million project had been "the most complicated thing any of us has ever done with a building full of boats".

The refit includes a new gallery on the town's herring fleet, a hands-on area where children can try knot-tying and signalling, and a glass lift to the loft, which was previously closed to visitors with limited mobility.

"We wanted people who grew up with the old museum to recognise it, and people who have never set foot in it to feel welcome," Ancell-Moss said.

Among the star exhibits is the Guillemot, a 1903 pilot cutter that was lowered into the main hall through the roof last autumn. Volunteers have spent more than 4,000 hours restoring her rigging.

Entry will remain free. The museum will open at 10am on Saturday, and a brass band will play on the quayside from 11am. Organisers expect more than 3,000 visitors over the weekend.

The project was funded by the borough council, a national heritage grant and donations from local businesses and residents."""),

dict(id="c2_elswick_star", story="c2-museum-reopening", outlet="Elswick Evening Star", published="2025-05-25",
title="Crowds queue round the quay as maritime museum reopens",
body="""Visitors queued along the quayside for more than an hour on Saturday as the Elswick Maritime Museum reopened after a two-year renovation.

By closing time, 2,870 people had passed through the doors, according to museum staff, the busiest day in the institution's 61-year history.

Mayor Hollis Fenwright cut a ribbon made of old fishing net at 10am, with the help of the museum's oldest volunteer, 91-year-old former trawlerman Albert Skelding.

"I sailed out of this harbour for forty years, and now my great-grandchildren can see what it was like," Skelding said. "They have even got the smell right."

Inside, the restored pilot cutter Guillemot drew the biggest crowds, along with the new herring gallery, where visitors can listen to recordings of fisherwomen singing as they gutted the catch.

Director Priya Ancell-Moss said she was "delighted and slightly exhausted" by the turnout. She said that the museum would extend its opening hours during the summer holidays.

Some visitors complained about the queues and the lack of seating in the new café. The museum said it would add extra staff on Sunday.

The reopening was part of a wider regeneration of the old harbour, which includes new flats and a footbridge due to open in the autumn."""),

dict(id="c2_harbour_courier", story="c2-museum-reopening", outlet="The Harbour Courier", published="2025-05-26",
title="Review: a museum that finally does justice to the herring girls",
body="""There is a moment, about halfway through the new herring gallery at the Elswick Maritime Museum, when the recorded voices of fisherwomen singing at the gutting troughs fill the room and visitors simply stop talking.

It is the best thing in a renovation that, after two years and £8.4 million, has turned a dusty collection of models and brass instruments into one of the most engaging small museums on the coast.

The museum reopened on Saturday to queues along the quay. On Sunday, when I visited, the crowds had thinned enough to appreciate the detail: the handwritten wage books of the 1920s, the oilskins hanging in the reconstructed net store, and a wall of photographs donated by local families.

The pilot cutter Guillemot, suspended in the main hall, is an undeniable showstopper. But the restored sail loft upstairs, now reached by a glass lift, is quieter and more moving. Children can try knots and semaphore there while their grandparents point out names in the old crew lists.

There are weaknesses. The café is cramped, labels in the lower gallery are set too low for adult eyes, and the section on the twentieth-century decline of the fleet feels rushed.

Director Priya Ancell-Moss has said the museum will be "a living place, not a finished one". On this evidence, it has made a very good start.

Entry is free. The museum is open daily from 10am to 5pm."""),

dict(id="c2_northgate_museum", story="c2-museum-reopening", outlet="Northgate Daily", published="2025-05-20",
title="Maritime museum sets reopening date and promises free entry",
body="""The Elswick Maritime Museum will reopen to the public on Saturday 24 May, its trustees announced on Tuesday, ending a two-year closure for renovation.

The museum, which occupies a former sail loft and warehouse on the old harbour, has been rebuilt at a cost of £8.4 million, funded by the borough council, a national heritage grant and local donations.

Trustees' chair Martin Caldbeck said entry would stay free "for as long as this board has anything to do with it". He said that the museum expected to welcome around 60,000 visitors in its first year, nearly double the figure before it closed.

New attractions include a gallery on the herring industry, a restored pilot cutter suspended in the main hall and a learning area for schools.

Director Priya Ancell-Moss said staff had been working evenings and weekends to finish the final displays. "There will be paint drying somewhere in the building on the first morning, I promise you," she said.

The opening day will include a ribbon-cutting by the mayor at 10am and a brass band concert on the quayside. The museum will be open daily from 10am to 5pm through the summer.

Volunteers are still needed to welcome visitors and guide school groups, the trustees said."""),
]
