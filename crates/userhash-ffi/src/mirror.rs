//! One macro for the fieldless enums that cross the boundary unchanged.

/// Declares an exported enum with the same variants as a core enum, and `From` both ways.
///
/// The conversions are exhaustive matches, so a variant added to the core enum fails this
/// crate's build until the binding learns it.
macro_rules! mirror_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident mirrors $core:ident {
            $( $(#[$variant_meta:meta])* $variant:ident, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
        pub enum $name {
            $( $(#[$variant_meta])* $variant, )+
        }

        impl From<$core> for $name {
            fn from(value: $core) -> $name {
                match value {
                    $( $core::$variant => $name::$variant, )+
                }
            }
        }

        impl From<$name> for $core {
            fn from(value: $name) -> $core {
                match value {
                    $( $name::$variant => $core::$variant, )+
                }
            }
        }
    };
}

pub(crate) use mirror_enum;
