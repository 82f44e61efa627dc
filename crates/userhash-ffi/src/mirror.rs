//! One macro for the fieldless enums that cross the boundary unchanged.

/// Declares an exported enum with the same variants as a core enum, and `From` both ways.
///
/// The conversions are exhaustive matches, so a variant added to the core enum fails this
/// crate's build until the binding learns it.
macro_rules! mirror_enum {
    // With variants of the binding's own after the mirrored ones: every core variant converts
    // into the exported enum, and back only the mirrored ones (`TryFrom`, the binding's own
    // variant as the error).
    (
        $(#[$meta:meta])*
        pub enum $name:ident mirrors $core:ident {
            $( $(#[$variant_meta:meta])* $variant:ident, )+
        } also {
            $( $(#[$own_meta:meta])* $own:ident, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
        pub enum $name {
            $( $(#[$variant_meta])* $variant, )+
            $( $(#[$own_meta])* $own, )+
        }

        impl From<$core> for $name {
            fn from(value: $core) -> $name {
                match value {
                    $( $core::$variant => $name::$variant, )+
                }
            }
        }

        impl TryFrom<$name> for $core {
            type Error = $name;

            fn try_from(value: $name) -> Result<$core, $name> {
                match value {
                    $( $name::$variant => Ok($core::$variant), )+
                    own => Err(own),
                }
            }
        }
    };
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
