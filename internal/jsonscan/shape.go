package jsonscan

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"time"
)

// Kind is what json.Marshal writes for a type, as far as a reader of its
// text needs to know.
type Kind int

const (
	// Scalar is one string, number or boolean (a time is a string).
	Scalar Kind = iota
	// Struct is an object of known members in field order.
	Struct
	// Map is an object of keys in sorted order.
	Map
	// Slice is an array.
	Slice
	// Raw is json.RawMessage: JSON kept as it was written.
	Raw
	// Opaque is a type that writes its own JSON, of a shape not known.
	Opaque
)

// Shape is what json.Marshal writes for a Go type: a struct's members in
// field order with their shapes, a map's or a slice's elements' shape.
type Shape struct {
	Kind Kind
	// Type is the Go type (a pointer's element), or the type it writes
	// its JSON as.
	Type   reflect.Type
	names  []string
	fields []*Shape
	// Elem is a map's values' or a slice's elements' shape.
	Elem *Shape
}

var (
	marshaler  = reflect.TypeFor[json.Marshaler]()
	timeType   = reflect.TypeFor[time.Time]()
	rawMessage = reflect.TypeFor[json.RawMessage]()
)

// ShapeOf builds the shape of t. A type that writes its own JSON is Opaque
// unless wire names the type whose shape it writes.
func ShapeOf(t reflect.Type, wire map[reflect.Type]reflect.Type) *Shape {
	return shapeOf(t, wire, map[reflect.Type]*Shape{})
}

// shapeOf is ShapeOf; seen holds the shapes already begun, so a type that
// contains itself shares one shape rather than recursing forever.
func shapeOf(t reflect.Type, wire map[reflect.Type]reflect.Type, seen map[reflect.Type]*Shape) *Shape {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if sh, ok := seen[t]; ok {
		return sh
	}
	if w := wire[t]; w != nil {
		sh := shapeOf(w, wire, seen)
		seen[t] = sh
		return sh
	}
	sh := &Shape{Type: t}
	seen[t] = sh
	switch {
	case t == timeType:
		sh.Kind = Scalar
	case t == rawMessage:
		sh.Kind = Raw
	case t.Implements(marshaler) || reflect.PointerTo(t).Implements(marshaler):
		sh.Kind = Opaque
	case t.Kind() == reflect.Struct:
		sh.Kind = Struct
		for f := range t.Fields() {
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if !f.IsExported() || name == "-" {
				continue
			}
			if name == "" {
				name = f.Name
			}
			sh.names = append(sh.names, name)
			sh.fields = append(sh.fields, shapeOf(f.Type, wire, seen))
		}
	case t.Kind() == reflect.Map:
		sh.Kind = Map
		sh.Elem = shapeOf(t.Elem(), wire, seen)
	case t.Kind() == reflect.Slice && t.Elem().Kind() != reflect.Uint8:
		sh.Kind = Slice
		sh.Elem = shapeOf(t.Elem(), wire, seen)
	default:
		sh.Kind = Scalar
	}
	return sh
}

// Names are a struct's members' names, in field order, and Fields their
// shapes. Neither is to be changed.
func (sh *Shape) Names() []string  { return sh.names }
func (sh *Shape) Fields() []*Shape { return sh.fields }

// Order checks, member by member, that an object's members are what
// json.Marshal writes for a shape: a struct's known members in field order,
// a map's keys in sorted order, each once.
type Order struct {
	sh   *Shape
	next int
	prev []byte
}

// Field is the index, in Names, of the struct member Next last checked.
func (o *Order) Field() int { return o.next - 1 }

// Order starts checking an object of the shape.
func (sh *Shape) Order() Order { return Order{sh: sh} }

// Next checks the next member and returns its shape. A map key written
// with escapes is not checked, so reported false; a struct's names have
// none.
func (o *Order) Next(m Member) (*Shape, bool) {
	switch o.sh.Kind {
	case Map:
		if m.KeyEscaped() || o.next > 0 && string(o.prev) >= string(m.Key) {
			return nil, false
		}
		o.next, o.prev = 1, m.Key
		return o.sh.Elem, true
	case Struct:
		for i := o.next; i < len(o.sh.names); i++ {
			if o.sh.names[i] == string(m.Key) {
				o.next = i + 1
				return o.sh.fields[i], true
			}
		}
	}
	return nil, false
}

// Fits reports whether the scalar v, a string, number, boolean or null, is
// what json.Marshal writes for the shape's type. Null never is: it is
// written only for a nil pointer, map or slice, which a shape does not tell
// from the value it points to.
func (sh *Shape) Fits(v []byte) bool {
	if sh.Kind != Scalar || len(v) == 0 {
		return false
	}
	k := sh.Type.Kind()
	switch c := v[0]; {
	case c == '"':
		return k == reflect.String || sh.Type == timeType || k == reflect.Slice
	case c == 't' || c == 'f':
		return k == reflect.Bool
	case c == '-' || '0' <= c && c <= '9':
		switch k {
		case reflect.Float32, reflect.Float64:
			return true
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
			reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
			return bytes.IndexAny(v, ".eE") < 0
		}
	}
	return false
}
