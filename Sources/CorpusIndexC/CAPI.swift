import CorpusIndex

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// The functions of include/corpus_index.h. Each validates its pointers, catches every error at the boundary and
// reports it as a status code plus a thread-local message (ErrorState.swift).

@_cdecl("ci_open")
public func ci_open(_ path: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    guarded {
        guard let out else { throw CorpusIndexError.invalidArgument("out_index is NULL") }
        out.pointee = nil
        let session = try IndexSession(path: try string(path, "path"))
        out.pointee = OpaquePointer(indexes.register(IndexHandle(session: session)))
        return CIStatus.ok.rawValue
    }
}

@_cdecl("ci_close")
public func ci_close(_ index: OpaquePointer?) -> Int32 {
    guard let index else { return CIStatus.ok.rawValue }
    return indexes.remove(UnsafeRawPointer(index))
        ? CIStatus.ok.rawValue : fail(.invalidArgument, "index is not an open handle (already closed?)")
}

@_cdecl("ci_document_count")
public func ci_document_count(_ index: OpaquePointer?, _ out: UnsafeMutablePointer<Int64>?) -> Int32 {
    guarded {
        let handle = try indexes.object(UnsafeRawPointer(index), "index")
        guard let out else { throw CorpusIndexError.invalidArgument("out_count is NULL") }
        out.pointee = Int64(handle.session.documentCount)
        return CIStatus.ok.rawValue
    }
}

@_cdecl("ci_search")
public func ci_search(
    _ index: OpaquePointer?, _ query: UnsafePointer<CChar>?, _ top: Int64, _ offset: Int64, _ order: Int32,
    _ out: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    guarded {
        guard let out else { throw CorpusIndexError.invalidArgument("out_results is NULL") }
        out.pointee = nil
        let handle = try indexes.object(UnsafeRawPointer(index), "index")
        let text = try string(query, "query")
        guard top >= 0, offset >= 0, top <= Int64(Int32.max), offset <= Int64(Int32.max) else {
            throw CorpusIndexError.invalidArgument("top and offset must be between 0 and \(Int32.max)")
        }
        let orders: [SearchOrder] = [.score, .date, .dateDescending]
        guard (0..<Int32(orders.count)).contains(order) else {
            throw CorpusIndexError.invalidArgument("order must be 0 (score), 1 (date) or 2 (-date)")
        }
        let node = try handle.session.parse(text)
        let ranked = try handle.session.rank(node, top: Int(top), offset: Int(offset), order: orders[Int(order)]).hits
        out.pointee = OpaquePointer(resultSets.register(ResultsHandle(session: handle.session, node: node, ranked: ranked)))
        return CIStatus.ok.rawValue
    }
}

@_cdecl("ci_count")
public func ci_count(_ index: OpaquePointer?, _ query: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<Int64>?) -> Int32 {
    guarded {
        let handle = try indexes.object(UnsafeRawPointer(index), "index")
        guard let out else { throw CorpusIndexError.invalidArgument("out_count is NULL") }
        out.pointee = Int64(try handle.session.count(try string(query, "query")))
        return CIStatus.ok.rawValue
    }
}

/// The hit `i` of `results`, validated.
func hit(_ results: OpaquePointer?, _ i: Int) throws -> (ResultsHandle, Int) {
    let handle = try resultSets.object(UnsafeRawPointer(results), "results")
    guard i >= 0 && i < handle.ranked.count else {
        throw CorpusIndexError.invalidArgument("hit index \(i) is out of range (\(handle.ranked.count) hits)")
    }
    return (handle, i)
}

func put<T>(_ value: T, _ out: UnsafeMutablePointer<T>?, _ name: String) throws -> Int32 {
    guard let out else { throw CorpusIndexError.invalidArgument("\(name) is NULL") }
    out.pointee = value
    return CIStatus.ok.rawValue
}

@_cdecl("ci_results_count")
public func ci_results_count(_ results: OpaquePointer?, _ out: UnsafeMutablePointer<Int>?) -> Int32 {
    guarded { try put(try resultSets.object(UnsafeRawPointer(results), "results").ranked.count, out, "out_count") }
}

@_cdecl("ci_result_refid")
public func ci_result_refid(_ results: OpaquePointer?, _ i: Int, _ out: UnsafeMutablePointer<UnsafePointer<CChar>?>?) -> Int32 {
    guarded {
        let (h, i) = try hit(results, i)
        return try put(try h.refid(i), out, "out_refid")
    }
}

@_cdecl("ci_result_score")
public func ci_result_score(_ results: OpaquePointer?, _ i: Int, _ out: UnsafeMutablePointer<Double>?) -> Int32 {
    guarded {
        let (h, i) = try hit(results, i)
        return try put(h.ranked[i].score, out, "out_score")
    }
}

@_cdecl("ci_result_doc")
public func ci_result_doc(_ results: OpaquePointer?, _ i: Int, _ out: UnsafeMutablePointer<UInt32>?) -> Int32 {
    guarded {
        let (h, i) = try hit(results, i)
        return try put(h.ranked[i].doc, out, "out_doc")
    }
}

@_cdecl("ci_result_json")
public func ci_result_json(_ results: OpaquePointer?, _ i: Int, _ out: UnsafeMutablePointer<UnsafePointer<CChar>?>?) -> Int32 {
    guarded {
        let (h, i) = try hit(results, i)
        return try put(try h.json(i), out, "out_json")
    }
}

@_cdecl("ci_results_free")
public func ci_results_free(_ results: OpaquePointer?) -> Int32 {
    guard let results else { return CIStatus.ok.rawValue }
    return resultSets.remove(UnsafeRawPointer(results))
        ? CIStatus.ok.rawValue : fail(.invalidArgument, "results is not a live handle (already freed?)")
}

/// The document id of `refid` in `index`, or a thrown not-found.
func lookup(_ index: OpaquePointer?, _ refid: UnsafePointer<CChar>?) throws -> (IndexSession, DocID) {
    let session = try indexes.object(UnsafeRawPointer(index), "index").session
    let id = try string(refid, "refid")
    guard let doc = session.documentID(referenceID: id) else { throw NotFound(referenceID: id) }
    return (session, doc)
}

struct NotFound: Error {
    var referenceID: String
}

func notFoundGuarded(_ body: () throws -> Int32) -> Int32 {
    do { return try body() } catch let e as NotFound {
        return fail(.notFound, "no cable with reference id '\(e.referenceID)'")
    } catch { return fail(error) }
}

@_cdecl("ci_document_json")
public func ci_document_json(
    _ index: OpaquePointer?, _ refid: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> Int32 {
    notFoundGuarded {
        guard let out else { throw CorpusIndexError.invalidArgument("out_json is NULL") }
        out.pointee = nil
        let (session, doc) = try lookup(index, refid)
        out.pointee = strdup(try session.document(doc).json)
        return CIStatus.ok.rawValue
    }
}

@_cdecl("ci_document_json_by_id")
public func ci_document_json_by_id(
    _ index: OpaquePointer?, _ doc: UInt32, _ out: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> Int32 {
    guarded {
        guard let out else { throw CorpusIndexError.invalidArgument("out_json is NULL") }
        out.pointee = nil
        let session = try indexes.object(UnsafeRawPointer(index), "index").session
        out.pointee = strdup(try session.document(doc).json)
        return CIStatus.ok.rawValue
    }
}

@_cdecl("ci_document_body")
public func ci_document_body(
    _ index: OpaquePointer?, _ refid: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>?,
    _ length: UnsafeMutablePointer<Int>?
) -> Int32 {
    notFoundGuarded {
        guard let out, let length else { throw CorpusIndexError.invalidArgument("out_bytes or out_length is NULL") }
        out.pointee = nil
        length.pointee = 0
        let (session, doc) = try lookup(index, refid)
        let body = try session.document(doc).body
        let p = malloc(max(body.count, 1))!.assumingMemoryBound(to: UInt8.self)
        body.withUnsafeBufferPointer { src in
            if let base = src.baseAddress { p.update(from: base, count: body.count) }
        }
        out.pointee = p
        length.pointee = body.count
        return CIStatus.ok.rawValue
    }
}
