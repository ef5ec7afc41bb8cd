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

/// A function resolved at plan time: its place in [`FUNCTIONS`]. The executor dispatches on it
/// (`match f { F::ABS => ... }`), never on the name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FuncId(u16);

impl FuncId {
    /// Its catalogue entry.
    pub fn sig(self) -> &'static FnSig {
        &FUNCTIONS[self.index()]
    }

    /// Its name, in lower case.
    pub fn name(self) -> &'static str {
        self.sig().name
    }

    /// Its place in [`FUNCTIONS`] (and in tables indexed by function).
    pub fn index(self) -> usize {
        usize::from(self.0)
    }
}

/// Lists the functions once: [`FUNCTIONS`] and a constant [`FuncId`] per function in [`F`].
macro_rules! catalogue {
    ($($id:ident = $name:literal, $min:expr, $max:expr, $sig:literal;)*) => {
        #[allow(non_camel_case_types, clippy::upper_case_acronyms)]
        #[repr(u16)]
        enum Index {
            $($id,)*
        }

        /// Every function, lowercase names (lookups are case-insensitive).
        pub const FUNCTIONS: &[FnSig] = &[$(f($name, $min, $max, $sig),)*];

        /// The [`FuncId`] of each function, named after it (`duration.between` is
        /// `DURATION_BETWEEN`, the internal `__plus` is `INTERNAL_PLUS`).
        #[allow(missing_docs)]
        pub mod ids {
            use super::{FuncId, Index};
            $(pub const $id: FuncId = FuncId(Index::$id as u16);)*
        }
    };
}

pub use ids as F;

catalogue! {
    // aggregates
    COUNT = "count", 1, 1, "count(expr) :: INTEGER";
    SUM = "sum", 1, 1, "sum(expr) :: NUMBER";
    AVG = "avg", 1, 1, "avg(expr) :: FLOAT";
    MIN = "min", 1, 1, "min(expr) :: ANY";
    MAX = "max", 1, 1, "max(expr) :: ANY";
    COLLECT = "collect", 1, 1, "collect(expr) :: LIST";
    STDEV = "stdev", 1, 1, "stDev(expr) :: FLOAT";
    STDEVP = "stdevp", 1, 1, "stDevP(expr) :: FLOAT";
    PERCENTILECONT = "percentilecont", 2, 2, "percentileCont(expr, percentile) :: FLOAT";
    PERCENTILEDISC = "percentiledisc", 2, 2, "percentileDisc(expr, percentile) :: NUMBER";
    // entities
    ID = "id", 1, 1, "id(entity) :: INTEGER";
    ELEMENTID = "elementid", 1, 1, "elementId(entity) :: STRING";
    LABELS = "labels", 1, 1, "labels(node) :: LIST<STRING>";
    TYPE = "type", 1, 1, "type(relationship) :: STRING";
    PROPERTIES = "properties", 1, 1, "properties(entity_or_map) :: MAP";
    KEYS = "keys", 1, 1, "keys(entity_or_map) :: LIST<STRING>";
    STARTNODE = "startnode", 1, 1, "startNode(relationship) :: NODE";
    ENDNODE = "endnode", 1, 1, "endNode(relationship) :: NODE";
    NODES = "nodes", 1, 1, "nodes(path) :: LIST<NODE>";
    RELATIONSHIPS = "relationships", 1, 1, "relationships(path) :: LIST<RELATIONSHIP>";
    RELS = "rels", 1, 1, "rels(path) :: LIST<RELATIONSHIP>";
    LENGTH = "length", 1, 1, "length(path) :: INTEGER";
    EXISTS = "exists", 1, 1, "exists(property_or_pattern) :: BOOLEAN";
    // lists
    SIZE = "size", 1, 1, "size(list_or_string) :: INTEGER";
    HEAD = "head", 1, 1, "head(list) :: ANY";
    LAST = "last", 1, 1, "last(list) :: ANY";
    TAIL = "tail", 1, 1, "tail(list) :: LIST";
    RANGE = "range", 2, 3, "range(start, end [, step]) :: LIST<INTEGER>";
    REVERSE = "reverse", 1, 1, "reverse(list_or_string) :: LIST|STRING";
    COALESCE = "coalesce", 1, usize::MAX, "coalesce(expr, ...) :: ANY";
    // conversion
    TOINTEGER = "tointeger", 1, 1, "toInteger(value) :: INTEGER";
    TOFLOAT = "tofloat", 1, 1, "toFloat(value) :: FLOAT";
    TOSTRING = "tostring", 1, 1, "toString(value) :: STRING";
    TOBOOLEAN = "toboolean", 1, 1, "toBoolean(value) :: BOOLEAN";
    TOINTEGERORNULL = "tointegerornull", 1, 1, "toIntegerOrNull(value) :: INTEGER";
    TOFLOATORNULL = "tofloatornull", 1, 1, "toFloatOrNull(value) :: FLOAT";
    TOSTRINGORNULL = "tostringornull", 1, 1, "toStringOrNull(value) :: STRING";
    TOBOOLEANORNULL = "tobooleanornull", 1, 1, "toBooleanOrNull(value) :: BOOLEAN";
    TOBOOLEANLIST = "tobooleanlist", 1, 1, "toBooleanList(list) :: LIST<BOOLEAN>";
    TOFLOATLIST = "tofloatlist", 1, 1, "toFloatList(list) :: LIST<FLOAT>";
    TOINTEGERLIST = "tointegerlist", 1, 1, "toIntegerList(list) :: LIST<INTEGER>";
    TOSTRINGLIST = "tostringlist", 1, 1, "toStringList(list) :: LIST<STRING>";
    ISEMPTY = "isempty", 1, 1, "isEmpty(string_list_or_map) :: BOOLEAN";
    NULLIF = "nullif", 2, 2, "nullIf(value, other) :: ANY";
    VALUETYPE = "valuetype", 1, 1, "valueType(value) :: STRING";
    TIMESTAMP = "timestamp", 0, 0, "timestamp() :: INTEGER";
    // strings
    TOUPPER = "toupper", 1, 1, "toUpper(string) :: STRING";
    TOLOWER = "tolower", 1, 1, "toLower(string) :: STRING";
    TRIM = "trim", 1, 1, "trim(string) :: STRING";
    LTRIM = "ltrim", 1, 2, "ltrim(string [, characters]) :: STRING";
    RTRIM = "rtrim", 1, 2, "rtrim(string [, characters]) :: STRING";
    BTRIM = "btrim", 1, 2, "btrim(string [, characters]) :: STRING";
    LOWER = "lower", 1, 1, "lower(string) :: STRING";
    UPPER = "upper", 1, 1, "upper(string) :: STRING";
    NORMALIZE = "normalize", 1, 2, "normalize(string [, NFC | NFD | NFKC | NFKD]) :: STRING";
    CHAR_LENGTH = "char_length", 1, 1, "char_length(string) :: INTEGER";
    CHARACTER_LENGTH = "character_length", 1, 1, "character_length(string) :: INTEGER";
    SUBSTRING = "substring", 2, 3, "substring(string, start [, length]) :: STRING";
    REPLACE = "replace", 3, 3, "replace(string, search, replacement) :: STRING";
    SPLIT = "split", 2, 2, "split(string, delimiter) :: LIST<STRING>";
    LEFT = "left", 2, 2, "left(string, length) :: STRING";
    RIGHT = "right", 2, 2, "right(string, length) :: STRING";
    // numbers
    ABS = "abs", 1, 1, "abs(number) :: NUMBER";
    CEIL = "ceil", 1, 1, "ceil(number) :: FLOAT";
    FLOOR = "floor", 1, 1, "floor(number) :: FLOAT";
    ROUND = "round", 1, 3, "round(number [, precision [, mode]]) :: FLOAT";
    ISNAN = "isnan", 1, 1, "isNaN(number) :: BOOLEAN";
    SIGN = "sign", 1, 1, "sign(number) :: INTEGER";
    SQRT = "sqrt", 1, 1, "sqrt(number) :: FLOAT";
    EXP = "exp", 1, 1, "exp(number) :: FLOAT";
    LOG = "log", 1, 1, "log(number) :: FLOAT";
    LOG10 = "log10", 1, 1, "log10(number) :: FLOAT";
    SIN = "sin", 1, 1, "sin(number) :: FLOAT";
    COS = "cos", 1, 1, "cos(number) :: FLOAT";
    TAN = "tan", 1, 1, "tan(number) :: FLOAT";
    RAND = "rand", 0, 0, "rand() :: FLOAT";
    PI = "pi", 0, 0, "pi() :: FLOAT";
    E = "e", 0, 0, "e() :: FLOAT";
    // temporal (crate::temporal)
    DATE = "date", 0, 1, "date([string_or_map]) :: DATE";
    LOCALTIME = "localtime", 0, 1, "localtime([string_or_map]) :: LOCAL TIME";
    TIME = "time", 0, 1, "time([string_or_map]) :: ZONED TIME";
    LOCALDATETIME = "localdatetime", 0, 1, "localdatetime([string_or_map]) :: LOCAL DATETIME";
    DATETIME = "datetime", 0, 1, "datetime([string_or_map]) :: ZONED DATETIME";
    DURATION = "duration", 1, 1, "duration(string_or_map) :: DURATION";
    DURATION_BETWEEN = "duration.between", 2, 2, "duration.between(from, to) :: DURATION";
    DURATION_INMONTHS = "duration.inmonths", 2, 2, "duration.inMonths(from, to) :: DURATION";
    DURATION_INDAYS = "duration.indays", 2, 2, "duration.inDays(from, to) :: DURATION";
    DURATION_INSECONDS = "duration.inseconds", 2, 2, "duration.inSeconds(from, to) :: DURATION";
    DATETIME_FROMEPOCH = "datetime.fromepoch", 2, 2, "datetime.fromEpoch(seconds, nanoseconds) :: ZONED DATETIME";
    DATETIME_FROMEPOCHMILLIS = "datetime.fromepochmillis", 1, 1, "datetime.fromEpochMillis(milliseconds) :: ZONED DATETIME";
    DATE_STATEMENT = "date.statement", 0, 1, "date.statement([timezone]) :: DATE";
    DATE_TRANSACTION = "date.transaction", 0, 1, "date.transaction([timezone]) :: DATE";
    DATE_REALTIME = "date.realtime", 0, 1, "date.realtime([timezone]) :: DATE";
    LOCALTIME_STATEMENT = "localtime.statement", 0, 1, "localtime.statement([timezone]) :: LOCAL TIME";
    LOCALTIME_TRANSACTION = "localtime.transaction", 0, 1, "localtime.transaction([timezone]) :: LOCAL TIME";
    LOCALTIME_REALTIME = "localtime.realtime", 0, 1, "localtime.realtime([timezone]) :: LOCAL TIME";
    TIME_STATEMENT = "time.statement", 0, 1, "time.statement([timezone]) :: ZONED TIME";
    TIME_TRANSACTION = "time.transaction", 0, 1, "time.transaction([timezone]) :: ZONED TIME";
    TIME_REALTIME = "time.realtime", 0, 1, "time.realtime([timezone]) :: ZONED TIME";
    LOCALDATETIME_STATEMENT = "localdatetime.statement", 0, 1, "localdatetime.statement([timezone]) :: LOCAL DATETIME";
    LOCALDATETIME_TRANSACTION = "localdatetime.transaction", 0, 1, "localdatetime.transaction([timezone]) :: LOCAL DATETIME";
    LOCALDATETIME_REALTIME = "localdatetime.realtime", 0, 1, "localdatetime.realtime([timezone]) :: LOCAL DATETIME";
    DATETIME_STATEMENT = "datetime.statement", 0, 1, "datetime.statement([timezone]) :: ZONED DATETIME";
    DATETIME_TRANSACTION = "datetime.transaction", 0, 1, "datetime.transaction([timezone]) :: ZONED DATETIME";
    DATETIME_REALTIME = "datetime.realtime", 0, 1, "datetime.realtime([timezone]) :: ZONED DATETIME";
    DATE_TRUNCATE = "date.truncate", 2, 3, "date.truncate(unit, temporal [, overrides]) :: DATE";
    LOCALTIME_TRUNCATE = "localtime.truncate", 2, 3, "localtime.truncate(unit, temporal [, overrides]) :: LOCAL TIME";
    TIME_TRUNCATE = "time.truncate", 2, 3, "time.truncate(unit, temporal [, overrides]) :: ZONED TIME";
    LOCALDATETIME_TRUNCATE = "localdatetime.truncate", 2, 3, "localdatetime.truncate(unit, temporal [, overrides]) :: LOCAL DATETIME";
    DATETIME_TRUNCATE = "datetime.truncate", 2, 3, "datetime.truncate(unit, temporal [, overrides]) :: ZONED DATETIME";
    // internal
    INTERNAL_PLUS = "__plus", 1, 1, "+number";
    INTERNAL_IS_TYPED = "__is_typed", 2, 2, "value IS :: TYPE";
    INTERNAL_IS_NORMALIZED = "__is_normalized", 2, 2, "string IS NORMALIZED";
    INTERNAL_PROPERTY_MAP = "__property_map", 2, 2, "SET n[key] = value";
}

/// Finds a function by name, case-insensitively.
pub fn lookup(name: &str) -> Option<&'static FnSig> {
    resolve(name).map(FuncId::sig)
}

/// The function of this name (case-insensitively), resolved.
pub fn resolve(name: &str) -> Option<FuncId> {
    FUNCTIONS.iter().position(|f| f.name.eq_ignore_ascii_case(name)).map(|i| FuncId(i as u16))
}
