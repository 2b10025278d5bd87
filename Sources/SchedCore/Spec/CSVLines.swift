/// Splits CSV text into lines of fields (RFC 4180 quoting: fields in double
/// quotes may hold commas and doubled quotes). Line numbers are 1-based.
enum CSVLines {
  struct Line {
    var number: Int
    var fields: [String]
  }

  static func parse(_ text: String) -> [Line] {
    var out: [Line] = []
    var n = 0
    for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
      n += 1
      var line = Substring(raw)
      if line.last == "\r" { line = line.dropLast() }
      if line.trimmingWhitespace().isEmpty { continue }
      out.append(Line(number: n, fields: fields(line)))
    }
    return out
  }

  static func fields(_ line: Substring) -> [String] {
    var fields: [String] = []
    var cur = ""
    var quoted = false
    var i = line.startIndex
    while i < line.endIndex {
      let c = line[i]
      if quoted {
        if c == "\"" {
          let next = line.index(after: i)
          if next < line.endIndex && line[next] == "\"" {
            cur.append("\"")
            i = next
          } else {
            quoted = false
          }
        } else {
          cur.append(c)
        }
      } else if c == "\"" {
        quoted = true
      } else if c == "," {
        fields.append(cur)
        cur = ""
      } else {
        cur.append(c)
      }
      i = line.index(after: i)
    }
    fields.append(cur)
    return fields
  }
}
