//! The catalogue of scalar and aggregate functions: names, arity and a one-line signature
//! (for checking calls at plan time, and for completion hints in the REPL).

/// A function's name as the engine knows it, its arity and its signature text.
#[derive(Debug, Clone, Copy)]
pub struct FnSig {
    /// The function's name in lower case (lookups ignore case).
    pub name: &'static str,
    /// The fewest arguments the function takes.
    pub min: usize,
    /// The most arguments the function takes (`usize::MAX` for any number).
    pub max: usize,
    /// The signature shown to users, such as `size(list_or_string) :: INTEGER`.
    pub signature: &'static str,
}

impl FnSig {
    /// The arity in words, for error messages: `2 argument(s)`, `at least 1 argument(s)` or
    /// `2 to 3 arguments`.
    pub fn arity_text(&self) -> String {
        match (self.min, self.max) {
            (a, b) if a == b => format!("{a} argument(s)"),
            (a, usize::MAX) => format!("at least {a} argument(s)"),
            (a, b) => format!("{a} to {b} arguments"),
        }
    }
}

const fn f(name: &'static str, min: usize, max: usize, signature: &'static str) -> FnSig {
    FnSig { name, min, max, signature }
}

/// Every function, lowercase names (lookups are case-insensitive).
pub const FUNCTIONS: &[FnSig] = &[
    // aggregates
    f("count", 1, 1, "count(expr) :: INTEGER"),
    f("sum", 1, 1, "sum(expr) :: NUMBER"),
    f("avg", 1, 1, "avg(expr) :: FLOAT"),
    f("min", 1, 1, "min(expr) :: ANY"),
    f("max", 1, 1, "max(expr) :: ANY"),
    f("collect", 1, 1, "collect(expr) :: LIST"),
    f("stdev", 1, 1, "stDev(expr) :: FLOAT"),
    f("stdevp", 1, 1, "stDevP(expr) :: FLOAT"),
    f("percentilecont", 2, 2, "percentileCont(expr, percentile) :: FLOAT"),
    f("percentiledisc", 2, 2, "percentileDisc(expr, percentile) :: NUMBER"),
    // entities
    f("id", 1, 1, "id(entity) :: INTEGER"),
    f("elementid", 1, 1, "elementId(entity) :: STRING"),
    f("labels", 1, 1, "labels(node) :: LIST<STRING>"),
    f("type", 1, 1, "type(relationship) :: STRING"),
    f("properties", 1, 1, "properties(entity_or_map) :: MAP"),
    f("keys", 1, 1, "keys(entity_or_map) :: LIST<STRING>"),
    f("startnode", 1, 1, "startNode(relationship) :: NODE"),
    f("endnode", 1, 1, "endNode(relationship) :: NODE"),
    f("nodes", 1, 1, "nodes(path) :: LIST<NODE>"),
    f("relationships", 1, 1, "relationships(path) :: LIST<RELATIONSHIP>"),
    f("rels", 1, 1, "rels(path) :: LIST<RELATIONSHIP>"),
    f("length", 1, 1, "length(path) :: INTEGER"),
    f("exists", 1, 1, "exists(property_or_pattern) :: BOOLEAN"),
    // lists
    f("size", 1, 1, "size(list_or_string) :: INTEGER"),
    f("head", 1, 1, "head(list) :: ANY"),
    f("last", 1, 1, "last(list) :: ANY"),
    f("tail", 1, 1, "tail(list) :: LIST"),
    f("range", 2, 3, "range(start, end [, step]) :: LIST<INTEGER>"),
    f("reverse", 1, 1, "reverse(list_or_string) :: LIST|STRING"),
    f("coalesce", 1, usize::MAX, "coalesce(expr, ...) :: ANY"),
    // conversion
    f("tointeger", 1, 1, "toInteger(value) :: INTEGER"),
    f("tofloat", 1, 1, "toFloat(value) :: FLOAT"),
    f("tostring", 1, 1, "toString(value) :: STRING"),
    f("toboolean", 1, 1, "toBoolean(value) :: BOOLEAN"),
    f("tointegerornull", 1, 1, "toIntegerOrNull(value) :: INTEGER"),
    f("tofloatornull", 1, 1, "toFloatOrNull(value) :: FLOAT"),
    f("tostringornull", 1, 1, "toStringOrNull(value) :: STRING"),
    f("tobooleanornull", 1, 1, "toBooleanOrNull(value) :: BOOLEAN"),
    f("tobooleanlist", 1, 1, "toBooleanList(list) :: LIST<BOOLEAN>"),
    f("tofloatlist", 1, 1, "toFloatList(list) :: LIST<FLOAT>"),
    f("tointegerlist", 1, 1, "toIntegerList(list) :: LIST<INTEGER>"),
    f("tostringlist", 1, 1, "toStringList(list) :: LIST<STRING>"),
    f("isempty", 1, 1, "isEmpty(string_list_or_map) :: BOOLEAN"),
    f("nullif", 2, 2, "nullIf(value, other) :: ANY"),
    f("valuetype", 1, 1, "valueType(value) :: STRING"),
    f("timestamp", 0, 0, "timestamp() :: INTEGER"),
    // strings
    f("toupper", 1, 1, "toUpper(string) :: STRING"),
    f("tolower", 1, 1, "toLower(string) :: STRING"),
    f("trim", 1, 1, "trim(string) :: STRING"),
    f("ltrim", 1, 2, "ltrim(string [, characters]) :: STRING"),
    f("rtrim", 1, 2, "rtrim(string [, characters]) :: STRING"),
    f("btrim", 1, 2, "btrim(string [, characters]) :: STRING"),
    f("lower", 1, 1, "lower(string) :: STRING"),
    f("upper", 1, 1, "upper(string) :: STRING"),
    f("normalize", 1, 2, "normalize(string [, NFC | NFD | NFKC | NFKD]) :: STRING"),
    f("char_length", 1, 1, "char_length(string) :: INTEGER"),
    f("character_length", 1, 1, "character_length(string) :: INTEGER"),
    f("substring", 2, 3, "substring(string, start [, length]) :: STRING"),
    f("replace", 3, 3, "replace(string, search, replacement) :: STRING"),
    f("split", 2, 2, "split(string, delimiter) :: LIST<STRING>"),
    f("left", 2, 2, "left(string, length) :: STRING"),
    f("right", 2, 2, "right(string, length) :: STRING"),
    // numbers
    f("abs", 1, 1, "abs(number) :: NUMBER"),
    f("ceil", 1, 1, "ceil(number) :: FLOAT"),
    f("floor", 1, 1, "floor(number) :: FLOAT"),
    f("round", 1, 3, "round(number [, precision [, mode]]) :: FLOAT"),
    f("isnan", 1, 1, "isNaN(number) :: BOOLEAN"),
    f("sign", 1, 1, "sign(number) :: INTEGER"),
    f("sqrt", 1, 1, "sqrt(number) :: FLOAT"),
    f("exp", 1, 1, "exp(number) :: FLOAT"),
    f("log", 1, 1, "log(number) :: FLOAT"),
    f("log10", 1, 1, "log10(number) :: FLOAT"),
    f("sin", 1, 1, "sin(number) :: FLOAT"),
    f("cos", 1, 1, "cos(number) :: FLOAT"),
    f("tan", 1, 1, "tan(number) :: FLOAT"),
    f("rand", 0, 0, "rand() :: FLOAT"),
    f("pi", 0, 0, "pi() :: FLOAT"),
    f("e", 0, 0, "e() :: FLOAT"),
    // temporal (crate::temporal)
    f("date", 0, 1, "date([string_or_map]) :: DATE"),
    f("localtime", 0, 1, "localtime([string_or_map]) :: LOCAL TIME"),
    f("time", 0, 1, "time([string_or_map]) :: ZONED TIME"),
    f("localdatetime", 0, 1, "localdatetime([string_or_map]) :: LOCAL DATETIME"),
    f("datetime", 0, 1, "datetime([string_or_map]) :: ZONED DATETIME"),
    f("duration", 1, 1, "duration(string_or_map) :: DURATION"),
    f("duration.between", 2, 2, "duration.between(from, to) :: DURATION"),
    f("duration.inmonths", 2, 2, "duration.inMonths(from, to) :: DURATION"),
    f("duration.indays", 2, 2, "duration.inDays(from, to) :: DURATION"),
    f("duration.inseconds", 2, 2, "duration.inSeconds(from, to) :: DURATION"),
    f("datetime.fromepoch", 2, 2, "datetime.fromEpoch(seconds, nanoseconds) :: ZONED DATETIME"),
    f("datetime.fromepochmillis", 1, 1, "datetime.fromEpochMillis(milliseconds) :: ZONED DATETIME"),
    f("date.statement", 0, 1, "date.statement([timezone]) :: DATE"),
    f("date.transaction", 0, 1, "date.transaction([timezone]) :: DATE"),
    f("date.realtime", 0, 1, "date.realtime([timezone]) :: DATE"),
    f("localtime.statement", 0, 1, "localtime.statement([timezone]) :: LOCAL TIME"),
    f("localtime.transaction", 0, 1, "localtime.transaction([timezone]) :: LOCAL TIME"),
    f("localtime.realtime", 0, 1, "localtime.realtime([timezone]) :: LOCAL TIME"),
    f("time.statement", 0, 1, "time.statement([timezone]) :: ZONED TIME"),
    f("time.transaction", 0, 1, "time.transaction([timezone]) :: ZONED TIME"),
    f("time.realtime", 0, 1, "time.realtime([timezone]) :: ZONED TIME"),
    f("localdatetime.statement", 0, 1, "localdatetime.statement([timezone]) :: LOCAL DATETIME"),
    f("localdatetime.transaction", 0, 1, "localdatetime.transaction([timezone]) :: LOCAL DATETIME"),
    f("localdatetime.realtime", 0, 1, "localdatetime.realtime([timezone]) :: LOCAL DATETIME"),
    f("datetime.statement", 0, 1, "datetime.statement([timezone]) :: ZONED DATETIME"),
    f("datetime.transaction", 0, 1, "datetime.transaction([timezone]) :: ZONED DATETIME"),
    f("datetime.realtime", 0, 1, "datetime.realtime([timezone]) :: ZONED DATETIME"),
    f("date.truncate", 2, 3, "date.truncate(unit, temporal [, overrides]) :: DATE"),
    f("localtime.truncate", 2, 3, "localtime.truncate(unit, temporal [, overrides]) :: LOCAL TIME"),
    f("time.truncate", 2, 3, "time.truncate(unit, temporal [, overrides]) :: ZONED TIME"),
    f("localdatetime.truncate", 2, 3, "localdatetime.truncate(unit, temporal [, overrides]) :: LOCAL DATETIME"),
    f("datetime.truncate", 2, 3, "datetime.truncate(unit, temporal [, overrides]) :: ZONED DATETIME"),
    // internal
    f("__plus", 1, 1, "+number"),
    f("__is_typed", 2, 2, "value IS :: TYPE"),
    f("__is_normalized", 2, 2, "string IS NORMALIZED"),
    f("__property_map", 2, 2, "SET n[key] = value"),
];

/// Finds a function by name, case-insensitively.
pub fn lookup(name: &str) -> Option<&'static FnSig> {
    FUNCTIONS.iter().find(|f| f.name.eq_ignore_ascii_case(name))
}
