#if canImport(Glibc)
import Glibc
#endif

/// Unbuffered writes to standard output or standard error.
struct FileHandleOutput: Sendable {
  let fd: Int32

  static let standardOutput = FileHandleOutput(fd: 1)
  static let standardError = FileHandleOutput(fd: 2)

  func write(_ text: String) {
    var t = text
    t.withUTF8 { buf in
      guard let base = buf.baseAddress else { return }
      var off = 0
      while off < buf.count {
        let n = Glibc.write(fd, base + off, buf.count - off)
        if n <= 0 { break }
        off += n
      }
    }
  }

  /// Whether the stream is a terminal.
  var isTerminal: Bool { isatty(fd) == 1 }
}

import ArgumentParser
import SchedCore

extension QueueMode: ExpressibleByArgument {}
