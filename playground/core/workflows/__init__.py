"""Work that assembles the layers below into a whole: a model, its data, a run and a project."""
