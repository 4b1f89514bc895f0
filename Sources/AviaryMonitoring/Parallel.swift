import Dispatch
import Foundation

/// Runs independent pieces of work on every core.
enum Parallel {
    /// `items.map(transform)`, with the calls spread over the active cores; results keep the
    /// items' order.
    static func map<Item, Output>(_ items: [Item], _ transform: (Item) -> Output) -> [Output] {
        guard items.count > 1 else { return items.map(transform) }
        let slots = UnsafeMutableBufferPointer<Output?>.allocate(capacity: items.count)
        slots.initialize(repeating: nil)
        defer { slots.deallocate() }
        withoutActuallyEscaping(transform) { transform in
            // Each iteration writes only its own slot.
            nonisolated(unsafe) let transform = transform
            nonisolated(unsafe) let slots = slots
            nonisolated(unsafe) let items = items
            DispatchQueue.concurrentPerform(iterations: items.count) { k in
                slots[k] = transform(items[k])
            }
        }
        return slots.map { $0! }
    }
}
