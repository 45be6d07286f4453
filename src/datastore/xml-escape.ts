// Escaping for the XML we write. Text: & < > (">" for "]]>"), and \r as &#13; so that a
// reader's end-of-line normalisation gives the value back. Attribute values additionally: " and
// the whitespace characters that attribute-value normalisation would turn into spaces.

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\r': '&#13;', '\n': '&#10;', '\t': '&#9;',
};
const TEXT_SPECIAL = /[&<>\r]/g;
const ATTR_SPECIAL = /[&<>"\r\n\t]/g;
const entity = (ch: string): string => ENTITIES[ch] ?? ch;

export function escapeText(s: string): string {
  return s.replace(TEXT_SPECIAL, entity);
}

export function escapeAttribute(s: string): string {
  return s.replace(ATTR_SPECIAL, entity);
}
