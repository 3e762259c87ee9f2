import { GateError } from "@mlgate/core";

/**
 * The image's filesystem as the layers build it up, holding only what the inventory needs: directories,
 * symlinks and the records of files it read. Layers are applied in order with the OCI rules — a later
 * entry replaces an earlier one at the same path (a file replacing a directory drops its contents),
 * `.wh.NAME` deletes NAME from lower layers, `.wh..wh..opq` hides everything lower layers put in its
 * directory — and paths are resolved through symlinks inside the image, never outside it.
 */
export interface TreeNode<R> {
  kind: "dir" | "symlink" | "file";
  /** Layer that last wrote this path. */
  layer: number;
  /** Newest layer that wrote this path or anything under it. */
  touched: number;
  target?: string;
  record?: R;
  children?: Map<string, TreeNode<R>>;
}

export interface TreeLimits {
  maxNodes: number;
  maxSymlinkHops: number;
}

export class MergedTree<R> {
  readonly root: TreeNode<R> = { kind: "dir", layer: -1, touched: -1, children: new Map() };
  private nodes = 1;

  constructor(private readonly limits: TreeLimits) {}

  /**
   * Resolve a path inside the image: symlinks are followed (all of them, or all but the last component),
   * absolute targets restart at the image root, and `..` stops at the root as it does in a chroot.
   * Components that do not exist are kept as written. Returns the canonical path and its node, if any.
   */
  resolve(path: string, followLast: boolean): { path: string; node: TreeNode<R> | undefined } {
    const pending = path.split("/").reverse();
    const names: string[] = [];
    const chain: (TreeNode<R> | undefined)[] = [this.root];
    let hops = 0;
    while (pending.length > 0) {
      const name = pending.pop()!;
      if (name === "" || name === ".") continue;
      if (name === "..") {
        if (names.length > 0) {
          names.pop();
          chain.pop();
        }
        continue;
      }
      const parent = chain[chain.length - 1];
      const child = parent?.kind === "dir" ? parent.children?.get(name) : undefined;
      if (child?.kind === "symlink" && (pending.length > 0 || followLast)) {
        hops++;
        if (hops > this.limits.maxSymlinkHops) {
          throw new GateError(
            `resolving ${path} follows more than ${this.limits.maxSymlinkHops} symlinks (a symlink loop at ${[...names, name].join("/")})`,
            { hint: "the image holds a symlink cycle; fix the links in the layer that made them" },
          );
        }
        const target = child.target ?? "";
        if (target.startsWith("/")) {
          names.length = 0;
          chain.length = 1;
        }
        const parts = target.split("/");
        for (let i = parts.length - 1; i >= 0; i--) pending.push(parts[i]!);
        continue;
      }
      names.push(name);
      chain.push(child);
    }
    return { path: names.join("/"), node: chain[chain.length - 1] };
  }

  /** Where an entry lands: its parent directory resolved through symlinks, its own name kept. */
  placeEntry(path: string): string {
    const slash = path.lastIndexOf("/");
    if (slash < 0) return path;
    const parent = this.resolve(path.slice(0, slash), true).path;
    const name = path.slice(slash + 1);
    return parent ? `${parent}/${name}` : name;
  }

  get(path: string): TreeNode<R> | undefined {
    let node: TreeNode<R> | undefined = this.root;
    for (const name of path.split("/")) {
      if (!name) continue;
      node = node?.kind === "dir" ? node.children?.get(name) : undefined;
      if (!node) return undefined;
    }
    return node;
  }

  /** The directory that holds `path`, created (replacing non-directories) as unpacking a tar would. */
  private parentFor(path: string, layer: number): { dir: TreeNode<R>; name: string } {
    const names = path.split("/");
    const name = names.pop()!;
    let dir = this.root;
    dir.touched = Math.max(dir.touched, layer);
    for (const part of names) {
      let child = dir.children!.get(part);
      if (child?.kind !== "dir") {
        child = this.newNode({ kind: "dir", layer, touched: layer, children: new Map() });
        dir.children!.set(part, child);
      }
      child.touched = Math.max(child.touched, layer);
      dir = child;
    }
    return { dir, name };
  }

  private newNode(node: TreeNode<R>): TreeNode<R> {
    this.nodes++;
    if (this.nodes > this.limits.maxNodes) {
      throw new GateError(
        `the image holds more than ${this.limits.maxNodes} directories, links and package files`,
        {
          hint: "raise limits.maxTreeNodes if the image really is that large",
        },
      );
    }
    return node;
  }

  /** Write a directory, symlink or recorded file at a canonical path; returns what it replaced. */
  write(
    path: string,
    layer: number,
    node: Omit<TreeNode<R>, "layer" | "touched" | "children">,
  ): TreeNode<R> | undefined {
    const { dir, name } = this.parentFor(path, layer);
    const existing = dir.children!.get(name);
    if (node.kind === "dir" && existing?.kind === "dir") {
      existing.layer = layer;
      existing.touched = layer;
      return existing;
    }
    const created = this.newNode({ ...node, layer, touched: layer });
    if (node.kind === "dir") created.children = new Map();
    dir.children!.set(name, created);
    return existing;
  }

  /** A file the inventory does not keep still replaces whatever lower layers had at its path. */
  remove(path: string): void {
    const slash = path.lastIndexOf("/");
    const parent = slash < 0 ? this.root : this.get(path.slice(0, slash));
    if (parent?.kind === "dir") parent.children!.delete(path.slice(slash + 1));
  }

  /** `.wh.NAME`: delete NAME as lower layers left it; what this layer wrote there stays. */
  whiteout(path: string, layer: number): void {
    const slash = path.lastIndexOf("/");
    const parent = slash < 0 ? this.root : this.get(path.slice(0, slash));
    if (parent?.kind !== "dir") return;
    const name = path.slice(slash + 1);
    const node = parent.children!.get(name);
    if (!node) return;
    if (node.touched < layer) parent.children!.delete(name);
    else if (node.kind === "dir") this.hideLower(node, layer);
  }

  /** `.wh..wh..opq`: the directory keeps only what this layer put in it. */
  opaque(dirPath: string, layer: number): void {
    const node = dirPath ? this.get(dirPath) : this.root;
    if (node?.kind === "dir") this.hideLower(node, layer);
  }

  private hideLower(dir: TreeNode<R>, layer: number): void {
    for (const [name, child] of dir.children!) {
      if (child.touched < layer) dir.children!.delete(name);
      else if (child.kind === "dir") this.hideLower(child, layer);
    }
  }

  /** Every recorded file, depth first, with its canonical path. */
  *records(): Generator<{ path: string; node: TreeNode<R> & { record: R } }> {
    const stack: { prefix: string; node: TreeNode<R> }[] = [{ prefix: "", node: this.root }];
    while (stack.length > 0) {
      const { prefix, node } = stack.pop()!;
      for (const [name, child] of node.children ?? []) {
        const path = prefix ? `${prefix}/${name}` : name;
        if (child.record !== undefined) yield { path, node: child as TreeNode<R> & { record: R } };
        if (child.kind === "dir") stack.push({ prefix: path, node: child });
      }
    }
  }
}
