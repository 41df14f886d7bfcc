# The peers benchmark's reference rule in Rego: deny when the destination is Russia
# or Belarus and any line's HS-6 subheading is on the CHPL. data.chpl is an object
# keyed by code, so membership is one lookup.
package peers

default deny := false

deny if {
	input.destination in {"RU", "BY"}
	some line in input.lines
	data.chpl[substring(line.hs_code, 0, 6)]
}
