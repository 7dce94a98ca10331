/// The two page forms of the WikiLeaks site: an HTML page of the Dec-2010 layout and its visible text.
extension DumpRenderers {
    /// The site's numbering of the classifications (1-based, `Classification.knownValues` order) and the wrong
    /// `title` it gives each (a real site bug, FORMATS.md §3).
    private static let classificationTitles = [
        "unclassified", "secret", "confidential", "secret//noforn", "unclassified//fouo", "confidential//noforn",
    ]

    /// `cable/YYYY/MM/REFID.<ext>`: where the page of `draft` lives under the output directory.
    static func pagePath(_ draft: CableDraft, ext: String) -> String {
        let c = draft.created.components
        return "cable/\(pad4(c.year))/\(pad2(c.month))/\(draft.referenceID).\(ext)"
    }

    static func html(_ draft: CableDraft, source: ByteBuffer, origins: [String], total: Int, to out: ByteBuffer) {
        let c = draft.created.components
        let month = "\(pad4(c.year))-\(pad2(c.month))"
        let released = draft.released.description
        let releasedDay = String(released.prefix(10))
        out.append("""
            <?xml version='1.0' encoding='utf-8' ?>
            <!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
            <html lang='en' xml:lang='en' xmlns='http://www.w3.org/1999/xhtml'>
            <head>
            <title>Cable Viewer</title>
            <link href='/static/gfx/favicon.ico' rel='shortcut icon' />
            <link href='/static/css/cables.css' rel='stylesheet' type='text/css' />
            </head>
            <body>
            <div class='main'>
            <div class='pane small'>
            <a href='/index.html'>
            <img alt='WikiLeaks logo' src='/static/gfx/WL_Hour_Glass_small.png' />
            <p>Currently released so far... \(total) / 251,287</p>
            </a>
            </div>
            <div class='pane big'>
            <h3>Viewing cable \(draft.referenceID), \(draft.subject)</h3>
            <div>
            If you are new to these pages, please read an introduction on the <a href="#help_1" onclick="return sh(1);">structure of a cable</a> as well as how to <a href="#help_2" onclick="return sh(2);">discuss them</a> with others. See also the <a href="/static/html/faq.html">FAQs</a>
            <br />
            </div>
            <table class='cable'>
            <tr>
            <th>Reference ID</th>
            <th>Created</th>
            <th>Released</th>
            <th>Classification</th>
            <th>Origin</th>
            </tr>
            <tr>
            <td>
            <a href='/\(pagePath(draft, ext: "html"))'>\(draft.referenceID)</a>
            </td>
            <td>
            <a href='/date/\(month)_0.html'>\(draft.created.description)</a>
            </td>
            <td>
            <a href='/reldate/\(releasedDay)_0.html'>\(released)</a>
            </td>
            <td>
            <a href='/classification/\(draft.classification + 1)_0.html' title='\(classificationTitles[draft.classification])'>\(Classification.knownValues[draft.classification])</a>
            </td>
            <td>
            <a href='/origin/\(draft.origin + 1)_0.html'>\(origins[draft.origin])</a>
            </td>
            </tr>
            </table>

            """)
        if !draft.header.isEmpty {
            out.append("<code><pre>")
            appendPre(source.base + draft.header.lowerBound, draft.header.count, to: out)
            out.append("</pre></code>\n")
        }
        out.append("<code><pre>")
        // The body, with the first TAGS line's tags linked and paragraph anchors, in offset order.
        let body = source.base + draft.body.lowerBound
        var position = 0
        var tagIndex = 0
        var anchorIndex = 0
        while true {
            let nextTag = tagIndex < draft.firstLineTagRanges.count ? draft.firstLineTagRanges[tagIndex].lowerBound : Int.max
            let nextAnchor =
                anchorIndex < draft.paragraphAnchors.count ? draft.paragraphAnchors[anchorIndex].offset : Int.max
            let next = min(nextTag, nextAnchor, draft.body.count)
            appendPre(body + position, next - position, to: out)
            position = next
            if next == draft.body.count { break }
            if nextAnchor <= nextTag {
                let n = draft.paragraphAnchors[anchorIndex].number
                out.append("<a id='par\(n)' href='#par\(n)'>¶</a>")
                anchorIndex += 1
            } else {
                let range = draft.firstLineTagRanges[tagIndex]
                let tag = String(decoding: UnsafeBufferPointer(start: body + range.lowerBound, count: range.count), as: UTF8.self)
                out.append("<a href='/tag/\(tag)_0.html'>")
                appendPre(body + range.lowerBound, range.count, to: out)
                out.append("</a>")
                position = range.upperBound
                tagIndex += 1
            }
        }
        out.append("</pre></code>\n</div>\n</div>\n<script src='/static/js/js.js' type='text/javascript'></script>\n</body>\n</html>\n")
    }

    /// Appends text with each LF written as `&#x000A;` (nothing else is escaped on the site).
    private static func appendPre(_ bytes: UnsafePointer<UInt8>, _ count: Int, to out: ByteBuffer) {
        var start = 0
        for i in 0..<count where bytes[i] == 0x0A {
            out.append(bytes + start, i - start)
            out.append("&#x000A;")
            start = i + 1
        }
        out.append(bytes + start, count - start)
    }

    static func text(_ draft: CableDraft, source: ByteBuffer, origins: [String], to out: ByteBuffer) {
        out.append("""
            Viewing cable \(draft.referenceID), \(draft.subject)

            If you are new to these pages, please read an introduction on the structure of a cable as well as how to discuss them with others. See also the FAQs

            Reference ID Created Released Classification Origin
            \(draft.referenceID) \(draft.created.description) \(draft.released.description) \(Classification.knownValues[draft.classification]) \(origins[draft.origin])

            """)
        out.append(source.base + draft.header.lowerBound, draft.header.count)
        if !draft.header.isEmpty && source.base[draft.header.upperBound - 1] != 0x0A { out.append(0x0A) }
        out.append(source.base + draft.body.lowerBound, draft.body.count)
    }

    private static func pad2(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
    private static func pad4(_ v: Int) -> String { String(repeating: "0", count: max(0, 4 - String(v).count)) + String(v) }
}
