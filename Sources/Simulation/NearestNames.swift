/// The candidates closest to `name` by edit distance (case-insensitive), best first: what a
/// person probably meant when they mistyped a port name.
func nearestNames(to name: String, in candidates: [String], limit: Int = 3) -> [String] {
  let target = Array(name.lowercased())
  let scored = candidates.map { candidate -> (String, Int) in
    let distance = editDistance(target, Array(candidate.lowercased()))
    // A name that contains the other (a missing prefix such as `enq_`) counts as close.
    let contains = candidate.lowercased().contains(name.lowercased()) || name.lowercased().contains(candidate.lowercased())
    return (candidate, contains ? min(distance, 1) : distance)
  }
  let threshold = max(2, target.count / 2)
  return scored.filter { $0.1 <= threshold }
    .sorted { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }
    .prefix(limit).map(\.0)
}

/// Levenshtein distance: insertions, deletions and substitutions each cost one.
func editDistance(_ a: [Character], _ b: [Character]) -> Int {
  if a.isEmpty { return b.count }
  var previous = Array(0...b.count)
  var current = previous
  for i in 1...a.count {
    current[0] = i
    for j in stride(from: 1, through: b.count, by: 1) {
      current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
    }
    swap(&previous, &current)
  }
  return previous[b.count]
}
