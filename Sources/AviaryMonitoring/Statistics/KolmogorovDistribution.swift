/// Placeholder until the port of scipy's kolmogn lands (helper in progress).
enum KolmogorovDistribution {
    static func survival(_ x: Double, n: Int) -> Double { .nan }
    static func cdf(_ x: Double, n: Int) -> Double { .nan }
}
