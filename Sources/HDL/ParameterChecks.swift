extension ModuleBuilder {
  /// Refuses bad generator parameters through the elaboration diagnostics: unless `condition`
  /// holds, `Design(top:)` throws with `message` at `file:line`. A generator passes its own
  /// caller's `#fileID`/`#line` so the error points at the line that asked for, say, a FIFO of
  /// depth 0, and keeps building with a safe fallback value so the other checks still run.
  /// It is a statement of the module body (it contributes no logic).
  ///
  /// ```swift
  /// m.require(depth >= 2, "fifo: depth \(depth) is too small; give at least 2", file: file, line: line)
  /// ```
  public func require(_ condition: Bool, _ message: @autoclosure () -> String,
                      file: StaticString = #fileID, line: UInt = #line) {
    if !condition { error(message(), at: SourceLocation(file: file, line: line)) }
  }
}
