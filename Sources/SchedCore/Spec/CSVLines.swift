/// Splits CSV text into lines of fields (RFC 4180 quoting: fields in double
/// quotes may hold commas and doubled quotes; a quoted field never spans
/// lines). Line numbers and columns are 1-based; blank lines are skipped.
enum CSVLines {
  struct Line {
    var number: Int
    var fields: [String]
    /// The 1-based character column where each field starts (parallel to `fields`).
    var columns: [Int] = []
    /// The column of a quote that opens a field and is never closed, if any.
    var unclosedQuoteColumn: Int?
  }

  /// The non-blank lines of `text`; with `comments`, lines whose first
  /// non-blank character is `#` are skipped too.
  static func parse(_ text: String, comments: Bool = false) -> [Line] {
    var out: [Line] = []
    var n = 0
    for raw in text.textLines() {
      n += 1
      var line = Substring(raw)
      if line.last == "\r" { line = line.dropLast() }
      let trimmed = line.trimmingWhitespace()
      if trimmed.isEmpty || (comments && trimmed.hasPrefix("#")) { continue }
      var l = split(line)
      l.number = n
      out.append(l)
    }
    return out
  }

  static func fields(_ line: Substring) -> [String] { split(line).fields }

  /// One line's fields with the column where each starts.
  ///
  /// - Complexity: O(characters in the line)
  static func split(_ line: Substring) -> Line {
    var fields: [String] = []
    var columns: [Int] = [1]
    var cur = ""
    var quoted = false
    var openedAt = 0
    var column = 1
    var i = line.startIndex
    while i < line.endIndex {
      let c = line[i]
      if quoted {
        if c == "\"" {
          let next = line.index(after: i)
          if next < line.endIndex && line[next] == "\"" {
            cur.append("\"")
            i = next
            column += 1
          } else {
            quoted = false
          }
        } else {
          cur.append(c)
        }
      } else if c == "\"" {
        quoted = true
        openedAt = column
      } else if c == "," {
        fields.append(cur)
        cur = ""
        columns.append(column + 1)
      } else {
        cur.append(c)
      }
      i = line.index(after: i)
      column += 1
    }
    fields.append(cur)
    return Line(number: 0, fields: fields, columns: columns, unclosedQuoteColumn: quoted ? openedAt : nil)
  }
}

/// `s` as a CSV field (RFC 4180): in double quotes, with its quotes doubled,
/// when it holds a comma, a quote or a line break, or starts with `#` (which
/// would make a line of a job file a comment); else as it is. Every CSV
/// writer of the package (job files, settlement, `schedctl simulate --csv`)
/// quotes its text cells with this.
public func csvField(_ s: String) -> String {
  let needs = s.hasPrefix("#") || s.contains { $0 == "," || $0 == "\"" || $0.isNewline }
  return needs ? "\"" + s.doublingQuotes() + "\"" : s
}

extension String {
  /// The string with every `"` doubled (the escape inside a quoted CSV field).
  func doublingQuotes() -> String {
    split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"")
  }
}

extension StringProtocol {
  /// The lines of a text file, split at LF and CRLF (Swift treats CRLF as one
  /// `Character`, so splitting at "\n" alone would miss Windows line ends);
  /// empty lines are kept so line numbers stay right.
  func textLines() -> [SubSequence] {
    split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
  }
}
