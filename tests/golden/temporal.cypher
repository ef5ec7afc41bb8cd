// Temporal values: construction, text forms, fields, order, arithmetic, storage.
RETURN time('12:31:14.645876123+01:00') AS t, localtime({hour: 10, minute: 35}) AS lt, datetime('2015-07-21T21:40:32.142+0100') AS dt, localdatetime({year: 1, month: 1, day: 1, hour: 1, minute: 1, second: 1, nanosecond: 1}) AS ldt;
RETURN duration('P1Y2M10DT12H45M30.25S') AS a, duration('PT1.5S') AS b, duration({days: 14, hours: 16, minutes: 12}) AS c, duration({months: 0.75}) AS d, duration('PT0S') AS e, -duration('PT1.5S') AS f;
RETURN toString(time({hour: 12, minute: 0, second: 0, millisecond: 500, timezone: 'Z'})) AS a, toString(localtime('12:00:00.000001')) AS b, toString(datetime({year: 1984, month: 10, day: 11, hour: 12, minute: 31, second: 14, nanosecond: 645876123, timezone: '+00:17'})) AS c;
WITH datetime('2015-07-21T21:40:32.142+01:00') AS d RETURN d.year, d.month, d.day, d.hour, d.minute, d.second, d.millisecond, d.timezone, d.offsetMinutes, d.epochSeconds, d.week, d.dayOfWeek;
WITH duration('P1Y2M10DT12H45M30.25S') AS d RETURN d.years, d.months, d.days, d.hours, d.minutes, d.seconds, d.milliseconds, d.nanosecondsOfSecond;
UNWIND [time({hour: 10, minute: 35, timezone: '-08:00'}), time({hour: 12, minute: 31, second: 14, timezone: '+01:00'}), time({hour: 12, minute: 35, second: 15, timezone: '+05:00'})] AS t RETURN t ORDER BY t;
UNWIND [duration('P1D'), 'text', localtime('12:00'), time('12:00Z'), date('2015-01-01'), localdatetime('2015-01-01T12:00'), datetime('2015-01-01T12:00Z'), 1] AS v RETURN v ORDER BY v;
RETURN time('12:00+01:00') = time('11:00Z') AS same_instant_eq, time('12:00+01:00') < time('11:30Z') AS lt, duration('P1D') = duration('PT24H') AS day_is_not_24h, duration('P1D') < duration('P2D') AS durations_incomparable, date('2015-01-01') = datetime('2015-01-01T00:00Z') AS kinds_differ;
RETURN date('2015-01-31') + duration('P1M') AS a, date('2015-03-01') - duration('P1D') AS b, localtime('23:00') + duration('PT2H') AS c, datetime('2015-12-31T23:00+01:00') + duration('PT2H30M') AS d, duration('P1D') * 1.5 AS e, duration('PT1H') / 4 AS f, duration('P1M') + duration('PT1.5S') AS g;
RETURN duration.between(date('2015-01-01'), date('2016-03-02')) AS a, duration.between(localdatetime('2015-07-21T21:40'), localdatetime('2015-08-20T20:40')) AS b, duration.inSeconds(datetime('2015-07-21T12:00+01:00'), datetime('2015-07-21T12:00Z')) AS c;
CREATE (:Event {at: datetime('2015-07-21T21:40:32.142+01:00'), took: duration('PT1H30M'), slots: [localtime('09:00'), localtime('14:30')]});
MATCH (e:Event) RETURN e, e.at + e.took AS finish, e.slots[1].minute AS m;
RETURN datetime('2015-07-21T21:40[Europe/Stockholm]') AS summer, datetime('2015-01-21T21:40[Europe/Stockholm]') AS winter;
// Daylight saving: a skipped time moves forward by the gap, a repeated one takes the summer offset.
RETURN datetime('2025-03-30T02:30[Europe/Stockholm]') AS gap, datetime('2025-10-26T02:30[Europe/Stockholm]') AS overlap;
// A day across the change keeps the clock; 24 hours do not.
RETURN datetime('2025-03-29T12:00[Europe/Stockholm]') + duration('P1D') AS day, datetime('2025-03-29T12:00[Europe/Stockholm]') + duration('PT24H') AS hours;
// Components, conversions between zones and the zone's name.
WITH datetime({year: 2025, month: 7, day: 1, hour: 12, timezone: 'Europe/Stockholm'}) AS d
RETURN d, d.timezone AS tz, d.offset AS off, datetime({datetime: d, timezone: 'America/New_York'}) AS ny, d = datetime('2025-07-01T12:00+02:00') AS same, d.epochSeconds = datetime('2025-07-01T12:00+02:00').epochSeconds AS instant;
CREATE (:Flight {departs: datetime('2025-07-01T08:15[Asia/Bishkek]'), lands: datetime('2025-07-01T18:40[Asia/Tokyo]')});
MATCH (f:Flight) RETURN f.departs AS departs, f.lands.timezone AS tz, duration.between(f.departs, f.lands) AS flight;
RETURN date.truncate('week', date('2019-10-01'), {dayOfWeek: 4}) AS thursday, datetime.truncate('month', datetime('2025-03-30T12:00[Europe/Stockholm]')) AS month;
RETURN datetime('2025-01-01T00:00[Mars/Olympus]');
