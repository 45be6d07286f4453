// Escaping for the XML we write. Text: & < > (">" for "]]>"), and \r as &#13; so that a
// reader's end-of-line normalisation gives the value back. Attribute values additionally: " and
// the whitespace characters that attribute-value normalisation would turn into spaces.

const TEXT_SPECIAL = /[&<>\r]/;
const ATTR_SPECIAL = /[&<>"\r\n\t]/;

export function escapeText(s: string): string {
  if (!TEXT_SPECIAL.test(s)) return s;
  let out = '';
  for (const ch of s) {
    switch (ch) {
      case '&': out += '&amp;'; break;
      case '<': out += '&lt;'; break;
      case '>': out += '&gt;'; break;
      case '\r': out += '&#13;'; break;
      default: out += ch;
    }
  }
  return out;
}

export function escapeAttribute(s: string): string {
  if (!ATTR_SPECIAL.test(s)) return s;
  let out = '';
  for (const ch of s) {
    switch (ch) {
      case '&': out += '&amp;'; break;
      case '<': out += '&lt;'; break;
      case '>': out += '&gt;'; break;
      case '"': out += '&quot;'; break;
      case '\r': out += '&#13;'; break;
      case '\n': out += '&#10;'; break;
      case '\t': out += '&#9;'; break;
      default: out += ch;
    }
  }
  return out;
}
