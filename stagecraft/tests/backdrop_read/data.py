"""Records equivalent to what each of the original's scenarios loads, written here by hand.

Only the fields the scenarios look at are kept. The derived `_week_start_at` some of the original's
records carry is left out: our write pipeline adds every `_*_start_at` field itself.
"""

from datetime import datetime, timedelta


def every(start: datetime, step: timedelta, count: int) -> list[dict]:
    """`count` records, `step` apart from `start`."""
    return [{"_timestamp": (start + step * index).isoformat(), "value": index} for index in range(count)]


def _licensing(id_: str, timestamp: str, authority: str, licence: str = "Temporary events notice") -> dict:
    return {
        "_id": id_,
        "_timestamp": timestamp,
        "licence_name": licence,
        "interaction": "success",
        "authority": authority,
        "type": "success",
    }


# Six applications over two weeks of December 2012: Westminster four, Camden two.
LICENSING = [
    _licensing("1234", "2012-12-12T01:01:01+00:00", "Westminster"),
    _licensing("1235", "2012-12-12T01:01:01+00:00", "Camden"),
    _licensing("1236", "2012-12-13T01:01:01+00:00", "Westminster"),
    {**_licensing("1237", "2012-12-14T01:01:01+00:00", "Westminster"), "type": "failure"},
    _licensing("1238", "2012-12-19T01:01:01+00:00", "Westminster"),
    _licensing("1239", "2012-12-19T01:01:01+00:00", "Camden"),
]

# Five applications: one in the week of 3 December, four in the week of 10 December; one of them
# (a cat herding licence) needs no payment.
LICENSING_2 = [
    {**_licensing("1233", "2012-12-07T01:01:01+00:00", "Westminster"), "isPaymentRequired": True},
    {**_licensing("1234", "2012-12-12T01:01:01+00:00", "Westminster"), "isPaymentRequired": True},
    {**_licensing("1235", "2012-12-12T01:01:01+00:00", "Camden"), "isPaymentRequired": True},
    {**_licensing("1236", "2012-12-13T01:01:01+00:00", "Westminster"), "isPaymentRequired": True},
    {
        **_licensing("1237", "2012-12-14T01:01:01+00:00", "Westminster", "Cat herding licence"),
        "isPaymentRequired": False,
    },
]

# Animals without timestamps: wild ones add up to 27 (mean 6.75), domestic ones to 6.
ANIMALS = [
    {"name": "aardvark", "value": 8, "type": "wild"},
    {"name": "buffalo", "value": 7, "type": "wild"},
    {"name": "cat", "value": 3, "type": "domestic"},
    {"name": "dog", "value": 3, "type": "domestic"},
    {"name": "elephant", "value": 8, "type": "wild"},
    {"name": "frog", "value": 4, "type": "wild"},
]

# Four dinosaurs, three of which eat people.
DINOSAURS = [
    {"_timestamp": "2013-03-20T10:10:10+00:00", "type": "dinosaur", "size": "big", "name": "t-rex",
     "eats_people": True},
    {"_timestamp": "2013-03-20T10:10:11+00:00", "type": "dinosaur", "size": "big", "name": "sarcosuchus",
     "eats_people": True},
    {"_timestamp": "2013-03-20T10:10:12+00:00", "type": "dinosaur", "size": "medium",
     "name": "pterodactyl", "eats_people": True},
    {"_timestamp": "2013-03-20T10:10:13+00:00", "type": "dinosaur", "size": "small",
     "name": "microraptor", "eats_people": False},
]  # fmt: skip

# Three records in the week of 11 March 2013 and two in the week of 18 March, named alpha or beta.
WEEKLY = [
    {"_timestamp": "2013-03-15T20:00:00+00:00", "name": "alpha"},
    {"_timestamp": "2013-03-16T20:00:00+00:00", "name": "beta"},
    {"_timestamp": "2013-03-17T20:00:00+00:00", "name": "alpha"},
    {"_timestamp": "2013-03-18T20:00:00+00:00", "name": "beta"},
    {"_timestamp": "2013-03-19T20:00:00+00:00", "name": "alpha"},
]

# Volumes per channel for April 2012 (floats, as the original's spreadsheets gave them): manual adds
# up to 92595.0, fully digital to 1718947.0, assisted digital to 1862526.0.
VOLUMES = [
    {"_timestamp": "2012-04-01T00:00:00+00:00", "channel": "manual", "volume": 9861.0, "transaction": "a"},
    {"_timestamp": "2012-04-01T00:00:00+00:00", "channel": "manual", "volume": 82734.0, "transaction": "b"},
    {"_timestamp": "2012-04-01T00:00:00+00:00", "channel": "fully-digital", "volume": 1718947.0,
     "transaction": "c"},
    {"_timestamp": "2012-04-01T00:00:00+00:00", "channel": "assisted-digital", "volume": 595827.0,
     "transaction": "d"},
    {"_timestamp": "2012-04-01T00:00:00+00:00", "channel": "assisted-digital", "volume": 1266699.0,
     "transaction": "e"},
]  # fmt: skip

# Three pickups: two in the week of 5 August 2013, one in the week of 12 August.
COLLECTABLES = [
    {"_timestamp": "2013-08-06T00:00:00+00:00", "pickup": "mushroom"},
    {"_timestamp": "2013-08-07T00:00:00+00:00", "pickup": "ring"},
    {"_timestamp": "2013-08-13T00:00:00+00:00", "pickup": "1-up"},
]

# Three records a day apart, the last exactly at the end_at the scenarios use.
INCLUSIVE = [
    {"_timestamp": "2014-12-01T00:00:00Z"},
    {"_timestamp": "2014-12-02T00:00:00Z"},
    {"_timestamp": "2014-12-03T00:00:00Z"},
]

# Licence applications for the authority "testport", counted per licence and week (Monday):
# fake-licence-3 has 18 between 28 January and 29 March 2013, fake-licence-2 and -5 have 12 each.
LICENCE_WEEKS = {
    "fake-licence-1": {"2013-03-04": 2, "2013-03-11": 2},
    "fake-licence-2": {"2013-02-04": 2, "2013-03-04": 4, "2013-03-11": 6},
    "fake-licence-3": {"2013-01-28": 2, "2013-02-04": 5, "2013-03-04": 5, "2013-03-11": 6},
    "fake-licence-4": {"2013-03-04": 2, "2013-03-11": 1, "2013-03-18": 1},
    "fake-licence-5": {"2013-02-04": 3, "2013-03-04": 3, "2013-03-11": 6},
    "fake-licence-6": {"2013-03-25": 4},
}


def licence_applications() -> list[dict]:
    """LICENCE_WEEKS as records (on the Tuesday of each week), plus one for another authority."""
    records = [
        {
            "_timestamp": f"{week[:8]}{int(week[8:]) + 1:02}T12:00:00+00:00",
            "authorityUrlSlug": "testport",
            "authorityName": "Testport",
            "licenceUrlSlug": slug,
            "licenceName": slug.replace("fake-licence-", "Fake Licence "),
        }
        for slug, weeks in LICENCE_WEEKS.items()
        for week, count in weeks.items()
        for _ in range(count)
    ]
    other = {"authorityUrlSlug": "elsewhere", "authorityName": "Elsewhere"}
    return records + [{**records[0], **other}]
