//! Typed shapes: what a model says about each value it mentions.

/// Index of a shape in its [`Model`](super::Model).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ShapeId(pub(super) usize);

/// Index of a compiled pattern in its [`Model`](super::Model).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PatternId(pub(super) usize);

/// One named shape.
#[derive(Debug, Clone)]
pub struct Shape {
    pub(super) name: String,
    pub(super) kind: ShapeKind,
    pub(super) sensitive: bool,
    pub(super) error: Option<ErrorInfo>,
}

impl Shape {
    /// The shape's name in the model (`userNameType`, `CreateUserRequest`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// What kind of value it is, with its constraints.
    pub fn kind(&self) -> &ShapeKind {
        &self.kind
    }

    /// Whether the model marks it `sensitive` (passwords, keys). AWS leaves
    /// sensitive values out of validation messages.
    pub fn is_sensitive(&self) -> bool {
        self.sensitive
    }

    /// For exception shapes, the wire code and status.
    pub fn error(&self) -> Option<&ErrorInfo> {
        self.error.as_ref()
    }
}

/// The type of a shape and its constraints.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum ShapeKind {
    /// A structure (or a union, which the Query protocol sends the same way).
    Structure(StructureShape),
    /// A string.
    String(StringShape),
    /// A 32-bit integer.
    Integer(Range),
    /// A 64-bit integer.
    Long(Range),
    /// `true` / `false`.
    Boolean,
    /// A point in time.
    Timestamp {
        /// `timestampFormat`, when the model sets one.
        format: Option<String>,
    },
    /// Bytes, base64 on the wire.
    Blob(Range),
    /// A list.
    List(ListShape),
    /// A map.
    Map(MapShape),
}

/// Inclusive bounds: lengths for strings, blobs, lists and maps, values for
/// numbers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Range {
    /// `min`.
    pub min: Option<i64>,
    /// `max`.
    pub max: Option<i64>,
}

/// A structure's members, in model order.
#[derive(Debug, Clone)]
pub struct StructureShape {
    pub(super) members: Vec<Member>,
    pub(super) union: bool,
}

impl StructureShape {
    /// All members, in model order.
    pub fn members(&self) -> &[Member] {
        &self.members
    }

    /// A member by its model name.
    pub fn member(&self, name: &str) -> Option<&Member> {
        self.members.iter().find(|m| m.name == name)
    }

    /// Whether the model marks this structure a `union`.
    pub fn is_union(&self) -> bool {
        self.union
    }
}

/// A member of a structure, or the element of a list, or a map's key or
/// value.
#[derive(Debug, Clone)]
pub struct Member {
    pub(super) name: String,
    pub(super) shape: ShapeId,
    pub(super) location_name: Option<String>,
    pub(super) flattened: bool,
    pub(super) xml_attribute: bool,
    pub(super) required: bool,
}

impl Member {
    /// The member's model name (`UserName`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The member's shape.
    pub fn shape(&self) -> ShapeId {
        self.shape
    }

    /// `locationName`, when the model sets one.
    pub fn location_name(&self) -> Option<&str> {
        self.location_name.as_deref()
    }

    /// The name on the wire, in Query keys and XML elements: `locationName`
    /// if set, else the member name.
    pub fn wire_name(&self) -> &str {
        self.location_name.as_deref().unwrap_or(&self.name)
    }

    /// Whether the member reference is `flattened` (on the reference, as
    /// opposed to on the list shape).
    pub fn is_flattened(&self) -> bool {
        self.flattened
    }

    /// Whether the member is written as an XML attribute.
    pub fn is_xml_attribute(&self) -> bool {
        self.xml_attribute
    }

    /// Whether the enclosing structure lists it in `required`.
    pub fn is_required(&self) -> bool {
        self.required
    }
}

/// A string shape's constraints.
#[derive(Debug, Clone, Default)]
pub struct StringShape {
    /// `min` / `max` length, counted as AWS's Java validator counts: UTF-16
    /// code units.
    pub length: Range,
    /// `pattern`, compiled.
    pub pattern: Option<PatternId>,
    /// `enum`, the allowed values.
    pub enum_values: Option<Vec<String>>,
}

/// A list shape.
#[derive(Debug, Clone)]
pub struct ListShape {
    pub(super) member: Member,
    pub(super) length: Range,
    pub(super) flattened: bool,
}

impl ListShape {
    /// The element reference; its [`Member::wire_name`] is the element
    /// name (`member` unless the model says otherwise).
    pub fn member(&self) -> &Member {
        &self.member
    }

    /// `min` / `max` number of elements.
    pub fn length(&self) -> Range {
        self.length
    }

    /// Whether elements are written without a wrapper (`Name.1` rather than
    /// `Name.member.1`).
    pub fn is_flattened(&self) -> bool {
        self.flattened
    }
}

/// A map shape.
#[derive(Debug, Clone)]
pub struct MapShape {
    pub(super) key: Member,
    pub(super) value: Member,
    pub(super) length: Range,
    pub(super) flattened: bool,
}

impl MapShape {
    /// The key reference (wire name `key` unless renamed).
    pub fn key(&self) -> &Member {
        &self.key
    }

    /// The value reference (wire name `value` unless renamed).
    pub fn value(&self) -> &Member {
        &self.value
    }

    /// `min` / `max` number of entries.
    pub fn length(&self) -> Range {
        self.length
    }

    /// Whether entries are written without the `entry` wrapper.
    pub fn is_flattened(&self) -> bool {
        self.flattened
    }
}

/// The `error` trait of an exception shape, with botocore's defaults filled
/// in (code = shape name, status 400).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorInfo {
    /// The `<Code>` on the wire (`NoSuchEntity`).
    pub code: String,
    /// The HTTP status (`404`).
    pub http_status: u16,
    /// Whether the fault is the caller's (`<Type>Sender</Type>`).
    pub sender_fault: bool,
}
