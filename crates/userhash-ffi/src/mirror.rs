//! One macro for the fieldless enums that cross the boundary unchanged.

/// Declares an exported enum with the same variants as a core enum, and `From` both ways.
///
/// The core's enums are `#[non_exhaustive]`, so a match on one here needs a last arm; what keeps
/// the mirror complete is a compile-time check that it lists as many variants as the core's
/// `ALL` (which the core proves complete with exhaustive matches of its own), so a variant added
/// to the core enum fails this crate's build until the binding learns it, and the last arm is
/// never taken.
macro_rules! mirror_enum {
    // The mirror lists every variant of the core's `ALL`.
    (@complete $core:ident, $($variant:ident),+) => {
        const _: () = assert!(
            $core::ALL.len() == [$(stringify!($variant)),+].len(),
            concat!("the binding's mirror of ", stringify!($core), " misses a variant"),
        );
    };
    // The first variant: the answer of an arm the completeness check makes unreachable.
    (@first $name:ident, $first:ident $(, $rest:ident)*) => {
        $name::$first
    };
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

        mirror_enum!(@complete $core, $($variant),+);

        impl From<$core> for $name {
            fn from(value: $core) -> $name {
                #[allow(unreachable_patterns)]
                match value {
                    $( $core::$variant => $name::$variant, )+
                    _ => mirror_enum!(@first $name, $($variant),+),
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

        mirror_enum!(@complete $core, $($variant),+);

        impl From<$core> for $name {
            fn from(value: $core) -> $name {
                #[allow(unreachable_patterns)]
                match value {
                    $( $core::$variant => $name::$variant, )+
                    _ => mirror_enum!(@first $name, $($variant),+),
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
