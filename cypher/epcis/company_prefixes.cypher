// The GS1 Company Prefix length fixed for each GS1 number (GTIN-14, GLN-13, SSCC-18): the EPC URN of an identifier
// needs it and a Digital Link does not carry it; once fixed it never changes (contract/EPCIS.md section 3).
UNWIND $numbers AS number
MATCH (p:Gs1CompanyPrefix {number: number})
RETURN p.number AS number, p.length AS length
