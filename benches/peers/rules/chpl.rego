# The decision of the chpl-diversion policy (plugins/chpl-diversion, default settings)
# in Rego: which of its three rules fire on a shipment, with what outcome, for which
# lines. Messages, legal bases and red flags are left out: with the default settings
# they do not change the decision (the transshipment finding stays `review`).
#
# input: the validated shipment's fields the decision reads (see chpl/rego.rs).
# data:  lists.chpl, lists.added_to_annex_xl_in_2024 (HS-6 codes); countries.eu27,
#        countries.ru_by, countries.transshipment_risk: objects keyed by code.
package chpl

# In force from 24 Feb 2022; dates are ISO 8601 text, which sorts by date.
in_force if input.as_of >= "2022-02-24"

subheading(line) := substring(line.hs_code, 0, 6)

chpl_lines contains line if {
	some line in input.lines
	data.lists.chpl[subheading(line)]
}

# Which regimes bind the exporter: exporter, shipment origin or a CHPL line's origin
# in the EU; for the EAR also more than 25 % US content in a CHPL line.
eu_binds if data.countries.eu27[input.exporter.country]

eu_binds if data.countries.eu27[input.origin_country]

eu_binds if {
	some line in chpl_lines
	data.countries.eu27[line.origin_country]
}

us_binds if input.exporter.country == "US"

us_binds if input.origin_country == "US"

us_binds if {
	some line in chpl_lines
	line.origin_country == "US"
}

us_binds if {
	some line in chpl_lines
	line.us_content_percent > 25
}

# Annex XL on the law date: 45 CHPL codes from 19 Dec 2023, all 50 from 25 Jun 2024.
annex_xl_names(line) if input.as_of >= "2024-06-25"

annex_xl_names(line) if {
	input.as_of >= "2023-12-19"
	not data.lists.added_to_annex_xl_in_2024[subheading(line)]
}

# Rule chpl-russia-belarus: a receiving party in Russia/Belarus.
to_ru_by if data.countries.ru_by[input.destination_country]

to_ru_by if data.countries.ru_by[input.consignee.country]

to_ru_by if data.countries.ru_by[input.end_user.country]

to_ru_by if {
	some party in input.other_parties
	party.role == "intermediate_consignee"
	data.countries.ru_by[party.country]
}

# A line is denied where a list binding the exporter names it; otherwise reviewed.
ru_by_denied(line) if {
	eu_binds
	annex_xl_names(line)
}

ru_by_denied(line) if {
	us_binds
	input.as_of >= "2024-02-23"
	line.hs_code
}

# Rule chpl-transit-russia-belarus: the route crosses Russia or Belarus.
through_ru_by if {
	some country in input.transit_countries
	data.countries.ru_by[country]
}

transit_ban if {
	"RU" in input.transit_countries
	input.as_of >= "2023-02-25"
}

transit_ban if {
	"BY" in input.transit_countries
	input.as_of >= "2024-07-01"
}

transit_denied(line) if {
	eu_binds
	transit_ban
	annex_xl_names(line)
}

# Rule chpl-transshipment-risk: destination, consignee or end user at a
# transshipment point of FIN-2022-Alert003.
transshipment_point if data.countries.transshipment_risk[input.destination_country]

transshipment_point if data.countries.transshipment_risk[input.consignee.country]

transshipment_point if data.countries.transshipment_risk[input.end_user.country]

finding(rule, outcome, lines) := {"rule": rule, "outcome": outcome, "lines": sort(lines)}

findings contains finding("chpl-russia-belarus", "deny", lines) if {
	in_force
	to_ru_by
	lines := [line.line | some line in chpl_lines; ru_by_denied(line)]
	count(lines) > 0
}

findings contains finding("chpl-russia-belarus", "review", lines) if {
	in_force
	to_ru_by
	lines := [line.line | some line in chpl_lines; not ru_by_denied(line)]
	count(lines) > 0
}

findings contains finding("chpl-transit-russia-belarus", "deny", lines) if {
	in_force
	through_ru_by
	lines := [line.line | some line in chpl_lines; transit_denied(line)]
	count(lines) > 0
}

findings contains finding("chpl-transit-russia-belarus", "review", lines) if {
	in_force
	through_ru_by
	lines := [line.line | some line in chpl_lines; not transit_denied(line)]
	count(lines) > 0
}

findings contains finding("chpl-transshipment-risk", "review", lines) if {
	in_force
	transshipment_point
	lines := [line.line | some line in chpl_lines]
	count(lines) > 0
}
