package notice

import (
	"strings"
)

// node is one element of a notice, XML or JSON alike: its local name
// (namespace prefixes dropped, so "cbc:ID" and "ID" are the same), its
// attributes, its own text and its children in document order. Both the
// XML and the JSON readers build nodes so that one mapping serves a BOAMP
// notice whether it came as a file or inside the API's "donnees" string.
type node struct {
	name  string
	attrs []attr
	text  string
	kids  []*node
}

type attr struct{ name, value string }

// child returns the first child named name, or nil. Methods accept a nil
// receiver so that lookups chain without checks.
func (n *node) child(name string) *node {
	if n == nil {
		return nil
	}
	for _, k := range n.kids {
		if k.name == name {
			return k
		}
	}
	return nil
}

// children returns every child named name.
func (n *node) children(name string) []*node {
	if n == nil {
		return nil
	}
	var out []*node
	for _, k := range n.kids {
		if k.name == name {
			out = append(out, k)
		}
	}
	return out
}

// at follows a path of child names, taking the first match at each step.
func (n *node) at(path ...string) *node {
	for _, p := range path {
		n = n.child(p)
		if n == nil {
			return nil
		}
	}
	return n
}

// all returns every node reached by the path, following every match at
// each step.
func (n *node) all(path ...string) []*node {
	if n == nil {
		return nil
	}
	cur := []*node{n}
	for _, p := range path {
		var next []*node
		for _, c := range cur {
			next = append(next, c.children(p)...)
		}
		if len(next) == 0 {
			return nil
		}
		cur = next
	}
	return cur
}

// str returns the trimmed text of the node at path, or "".
func (n *node) str(path ...string) string {
	if m := n.at(path...); m != nil {
		return strings.TrimSpace(m.text)
	}
	return ""
}

// attr returns the value of an attribute (by local name), or "".
func (n *node) attr(name string) string {
	if n == nil {
		return ""
	}
	for _, a := range n.attrs {
		if a.name == name {
			return a.value
		}
	}
	return ""
}

// firstChildName returns the name of the first child element, the way
// BOAMP encodes an enumeration (<TYPE_MARCHE><SERVICE/></TYPE_MARCHE>).
func (n *node) firstChildName() string {
	if n == nil || len(n.kids) == 0 {
		return ""
	}
	return n.kids[0].name
}

// has reports whether the node has a child named name.
func (n *node) has(name string) bool { return n.child(name) != nil }

// localName drops a namespace prefix ("cbc:ID" → "ID").
func localName(s string) string {
	if i := strings.LastIndexByte(s, ':'); i >= 0 {
		return s[i+1:]
	}
	return s
}
