//go:build tools

// Package tools pins the FerretDB version used as the embedded dev/test database.
package tools

import _ "github.com/FerretDB/FerretDB/cmd/ferretdb"
