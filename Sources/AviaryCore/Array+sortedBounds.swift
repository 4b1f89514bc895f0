extension Array where Element: Comparable {
    /// In an ascending array, the index of the first element not below `value`: numpy's
    /// `searchsorted(side="left")`.
    @inlinable
    public func sortedLowerBound(_ value: Element) -> Int {
        firstSortedIndex { !($0 < value) }
    }

    /// In an ascending array, the index of the first element above `value`: numpy's
    /// `searchsorted(side="right")`.
    @inlinable
    public func sortedUpperBound(_ value: Element) -> Int {
        firstSortedIndex { $0 > value }
    }

    /// The first index whose element is `isPast`, by bisection; `isPast` must be false, then
    /// true, along the array.
    @inlinable
    public func firstSortedIndex(where isPast: (Element) -> Bool) -> Int {
        var low = 0
        var high = count
        while low < high {
            let middle = (low + high) / 2
            if isPast(self[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }
}
