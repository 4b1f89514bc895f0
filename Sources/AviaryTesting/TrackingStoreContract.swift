import AviaryCore
import AviaryTracking
import Testing

/// The behaviour every `TrackingStore` backend must show, written once and run per backend:
///
/// ```swift
/// @Test(arguments: TrackingStoreContract.checks)
/// func contract(_ check: TrackingStoreContract.Check) async throws {
///     try await check.run(TrackingService(store: makeStore()))
/// }
/// ```
///
/// Checks go through `TrackingService`, so they cover what a client sees: validation plus storage.
public enum TrackingStoreContract {
    public typealias Check = ContractCheck<TrackingService>

    /// Every check of the contract.
    public static let checks: [Check] = experimentChecks + runChecks + searchChecks + loggedModelChecks
}

/// Asserts that `body` throws an `AviaryError` with `code`, returning its message.
@discardableResult
public func expectAviaryError(
    _ code: AviaryError.Code, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void
) async -> String? {
    do {
        try await body()
        Issue.record("expected \(code.rawValue), but nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as AviaryError {
        #expect(error.code == code, "\(error.message)", sourceLocation: sourceLocation)
        return error.message
    } catch {
        Issue.record("expected AviaryError \(code.rawValue), got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}
