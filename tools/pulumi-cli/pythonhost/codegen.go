package main

import (
	"context"

	"github.com/hashicorp/hcl/v2"
	"github.com/pulumi/pulumi/pkg/v3/codegen/pcl"
	"github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"

	"pulumi-limits.local/pulumi-cli/internal/codegenhost"
)

// generators are Pulumi's Python generators as Pulumi's host uses them: the package generator takes no local
// dependencies and has no local mode; projects get no typechecker and the default toolchain (pip).
var generators = codegenhost.Generators{
	Package: func(pkg *schema.Package, extraFiles map[string][]byte, _ map[string]string, _ bool,
		loader schema.ReferenceLoader,
	) (map[string][]byte, error) {
		return python.GeneratePackage("pulumi-language-python", pkg, extraFiles, loader)
	},
	Program: func(program *pcl.Program) (map[string][]byte, hcl.Diagnostics, error) {
		return python.GenerateProgram(program)
	},
	Project: func(directory string, project workspace.Project, program *pcl.Program,
		localDependencies map[string]string,
	) error {
		return python.GenerateProject(directory, project, program, localDependencies, "", "")
	},
}

func (h *host) GeneratePackage(
	ctx context.Context, req *pulumirpc.GeneratePackageRequest,
) (*pulumirpc.GeneratePackageResponse, error) {
	return generators.GeneratePackage(ctx, req)
}

func (h *host) GenerateProgram(
	ctx context.Context, req *pulumirpc.GenerateProgramRequest,
) (*pulumirpc.GenerateProgramResponse, error) {
	return generators.GenerateProgram(ctx, req)
}

func (h *host) GenerateProject(
	ctx context.Context, req *pulumirpc.GenerateProjectRequest,
) (*pulumirpc.GenerateProjectResponse, error) {
	return generators.GenerateProject(ctx, req)
}
