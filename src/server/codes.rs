//! silkgraph errors as Neo4j status codes, which drivers sort into client errors (not retried),
//! transient errors (retried) and database errors; the message keeps silkgraph's text, where
//! in the statement it is, and the hint.

use crate::error::{Detail, Error, Kind};

/// The Neo4j status code of an error.
pub fn code(e: &Error) -> &'static str {
    match (e.kind, e.detail) {
        (_, Detail::DatabaseNotFound) => "Neo.ClientError.Database.DatabaseNotFound",
        (_, Detail::ExternalResourceFailed) => "Neo.ClientError.Statement.ExternalResourceFailed",
        (_, Detail::ConstraintAlreadyExists) => "Neo.ClientError.Schema.ConstraintAlreadyExists",
        (_, Detail::ConstraintCreationFailed) => "Neo.DatabaseError.Schema.ConstraintCreationFailed",
        (_, Detail::ConstraintNotFound) => "Neo.ClientError.Schema.ConstraintDropFailed",
        (_, Detail::EquivalentSchemaRuleAlreadyExists) => "Neo.ClientError.Schema.EquivalentSchemaRuleAlreadyExists",
        (_, Detail::UnsupportedFeature) => "Neo.ClientError.Statement.FeatureNotSupported",
        (Kind::SyntaxError, _) => "Neo.ClientError.Statement.SyntaxError",
        (Kind::SemanticError, _) => "Neo.ClientError.Statement.SemanticError",
        (Kind::TypeError, _) => "Neo.ClientError.Statement.TypeError",
        (Kind::ArgumentError, _) => "Neo.ClientError.Statement.ArgumentError",
        (Kind::EntityNotFound, _) => "Neo.ClientError.Statement.EntityNotFound",
        (Kind::ConstraintVerificationFailed, _) => "Neo.ClientError.Schema.ConstraintValidationFailed",
        (Kind::ParameterMissing, _) => "Neo.ClientError.Statement.ParameterMissing",
        (Kind::ProcedureError, Detail::ProcedureNotFound) => "Neo.ClientError.Procedure.ProcedureNotFound",
        (Kind::ProcedureError, _) => "Neo.ClientError.Procedure.ProcedureCallFailed",
        (Kind::ResourceLimit, Detail::Timeout) => "Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration",
        (Kind::ResourceLimit, Detail::Cancelled) => "Neo.ClientError.Transaction.Terminated",
        (Kind::ResourceLimit, Detail::MemoryLimit) => "Neo.TransientError.General.MemoryPoolOutOfMemoryError",
        (Kind::ResourceLimit, _) => "Neo.ClientError.Statement.ExecutionFailed",
        (Kind::TransactionError, Detail::WriteOnReadOnly) => "Neo.ClientError.Statement.AccessMode",
        (Kind::TransactionError, Detail::TransactionFailed) => "Neo.ClientError.Transaction.TransactionMarkedAsFailed",
        (Kind::TransactionError, Detail::NoTransaction) => "Neo.ClientError.Transaction.TransactionNotFound",
        (Kind::TransactionError, _) => "Neo.ClientError.Request.Invalid",
        (Kind::DatabaseError, Detail::CommitFailed) => "Neo.DatabaseError.Transaction.TransactionCommitFailed",
        (Kind::DatabaseError, _) => "Neo.DatabaseError.General.UnknownError",
        (Kind::TransientError, Detail::LockTimeout) => "Neo.TransientError.Transaction.LockAcquisitionTimeout",
        (Kind::TransientError, _) => "Neo.TransientError.Transaction.Outdated",
    }
}

/// The message a driver shows: silkgraph's own, where in the query (line and column), its
/// detail code and hint.
pub fn message(e: &Error, query: &str) -> String {
    let mut m = e.message.clone();
    if let Some(span) = e.span.filter(|s| s.start <= query.len()) {
        let (line, col) = crate::error::line_col(query, span.start);
        m.push_str(&format!(" (line {line}, column {col}, offset: {})", span.start));
    }
    if !e.detail.is_empty() {
        m.push_str(&format!(" [{}]", e.detail));
    }
    if let Some(h) = &e.hint {
        m.push_str(&format!("\nhint: {h}"));
    }
    m
}

/// The name Bolt gives a statistic (`nodes_created` → `nodes-created`).
pub fn stat_name(field: &str) -> &'static str {
    match field {
        "nodes_created" => "nodes-created",
        "nodes_deleted" => "nodes-deleted",
        "relationships_created" => "relationships-created",
        "relationships_deleted" => "relationships-deleted",
        "labels_added" => "labels-added",
        "labels_removed" => "labels-removed",
        "properties_set" => "properties-set",
        "indexes_added" => "indexes-added",
        "indexes_removed" => "indexes-removed",
        "constraints_added" => "constraints-added",
        "constraints_removed" => "constraints-removed",
        _ => "properties-set",
    }
}
