/// Suggesting the key someone meant from the one they typed.
enum EditDistance {
  /// Levenshtein distance: single-character insertions, deletions and substitutions.
  static func between(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    guard !a.isEmpty else { return b.count }
    guard !b.isEmpty else { return a.count }
    // previous[j]: distance between the first i - 1 letters of a and the first j of b.
    var previous = Array(0...b.count)
    for i in 1...a.count {
      var current = [i]
      for j in 1...b.count {
        let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
        current.append(min(substitution, previous[j] + 1, current[j - 1] + 1))
      }
      previous = current
    }
    return previous[b.count]
  }

  /// The candidate closest to `word`, if it is close enough to be a likely typo: at most a
  /// third of the word's letters (and at least 2) differ. Ties go to the earlier candidate.
  static func nearest(to word: String, among candidates: [String]) -> String? {
    let limit = max(2, word.count / 3)
    // Case is ignored: someone who wrote "a" meant "A".
    let scored = candidates.map { (candidate: $0, distance: between(word.lowercased(), $0.lowercased())) }
    guard let best = scored.min(by: { $0.distance < $1.distance }), best.distance <= limit else { return nil }
    return best.candidate
  }
}
