import Testing
@testable import CorpusIndex

@Suite struct CableDateTests {
    @Test func roundTripsComponents() throws {
        let d = try #require(CableDate(year: 1966, month: 12, day: 28, hour: 18, minute: 48))
        #expect(d.description == "1966-12-28 18:48")
        #expect(d.iso8601 == "1966-12-28T18:48Z")
        #expect(d.yearMonth == 196612)
        let e = try #require(CableDate(year: 2010, month: 2, day: 28, hour: 0, minute: 0))
        #expect(d < e)
        #expect(CableDate(year: 1970, month: 1, day: 1)?.minutesSinceEpoch == 0)
    }

    @Test func rejectsImpossibleDates() {
        #expect(CableDate(year: 2009, month: 2, day: 29) == nil)
        #expect(CableDate(year: 2008, month: 2, day: 29) != nil)
        #expect(CableDate(year: 2008, month: 13, day: 1) == nil)
        #expect(CableDate(year: 2008, month: 1, day: 1, hour: 24) == nil)
        #expect(CableDate(year: 2008, month: 1, day: 1, minute: 60) == nil)
    }

    @Test(arguments: [-1_000_000, -1, 0, 1, 59, 1_440, 20_000_000])
    func componentsInvertInit(minutes: Int64) throws {
        let d = CableDate(minutesSinceEpoch: minutes)
        let c = d.components
        #expect(CableDate(year: c.year, month: c.month, day: c.day, hour: c.hour, minute: c.minute) == d)
    }
}
